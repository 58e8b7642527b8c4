package io.github.jlitestream.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Litestream v0.3.13 binary, the independent peer of the interoperability tests.
 * It is taken from {@code $LITESTREAM_BIN}, else from {@code .tools/litestream-0.3.13/}
 * at the repository root, else unpacked there from the npm package
 * {@code @flydotio/litestream-linux-x64} (which ships v0.3.13) with {@code npm pack}.
 */
public final class LitestreamBinary {

	private static final String PACKAGE = "@flydotio/litestream-linux-x64@1.0.1";

	private static Path binary;

	private LitestreamBinary() {
	}

	/** Returns the path of the binary, fetching it on first use. */
	public static synchronized Path path() throws IOException, InterruptedException {
		if (binary != null) {
			return binary;
		}
		String fromEnv = System.getenv("LITESTREAM_BIN");
		Path candidate = (fromEnv != null && !fromEnv.isBlank()) ? Path.of(fromEnv)
				: repositoryRoot().resolve(".tools/litestream-0.3.13/package/litestream");
		if (!Files.isExecutable(candidate)) {
			fetch(candidate.getParent().getParent());
		}
		Result version = run(List.of(candidate.toString(), "version"), null, 30);
		if (!version.output().trim().equals("v0.3.13")) {
			throw new IllegalStateException(candidate + " is not Litestream v0.3.13: " + version.output());
		}
		binary = candidate;
		return binary;
	}

	/** Runs the binary with arguments, waiting for it to exit. */
	public static Result run(Path workingDir, int timeoutSeconds, String... arguments)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(path().toString());
		command.addAll(List.of(arguments));
		return run(command, workingDir, timeoutSeconds);
	}

	/** Starts the binary in the background; the caller stops it. */
	public static Process start(Path workingDir, Path log, String... arguments)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(path().toString());
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).directory(workingDir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
	}

	private static void fetch(Path dir) throws IOException, InterruptedException {
		Files.createDirectories(dir);
		Result pack = run(List.of("npm", "pack", PACKAGE, "--silent", "--pack-destination", dir.toString()), dir, 300);
		if (pack.exitCode() != 0) {
			throw new IllegalStateException("npm pack " + PACKAGE + " failed: " + pack.output());
		}
		String tarball = pack.output().trim().lines().reduce((a, b) -> b).orElseThrow();
		Result untar = run(List.of("tar", "xzf", dir.resolve(tarball).toString(), "-C", dir.toString()), dir, 120);
		if (untar.exitCode() != 0) {
			throw new IllegalStateException("Cannot unpack " + tarball + ": " + untar.output());
		}
	}

	private static Path repositoryRoot() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.exists(dir.resolve(".git")) && !Files.exists(dir.resolve(".ci"))) {
			dir = dir.getParent();
		}
		return (dir != null) ? dir : Path.of("").toAbsolutePath();
	}

	private static Result run(List<String> command, Path workingDir, int timeoutSeconds)
			throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		if (workingDir != null) {
			builder.directory(workingDir.toFile());
		}
		Process process = builder.start();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
		}
		return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
	}

	/** Exit code and combined output of a finished run. */
	public record Result(int exitCode, String output) {
	}

}
