package io.github.jlitestream.sample.observability;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * External tools of the monitoring tests (Prometheus, promtool, docker-compose) and a
 * small HTTP client.
 */
final class Tools {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Tools() {
	}

	/** The result of a command: exit code, standard output, standard error. */
	record Result(int exitCode, String stdout, String stderr) {

		String describe(List<String> command) {
			return String.join(" ", command) + " exited with " + this.exitCode + "\n--- stdout\n" + this.stdout
					+ "\n--- stderr\n" + this.stderr;
		}

	}

	/** An executable on the PATH (or at one of the given paths), if any. */
	static Optional<Path> findExecutable(String name, String... candidates) {
		for (String candidate : candidates) {
			Path path = Path.of(candidate);
			if (Files.isRegularFile(path) && Files.isExecutable(path)) {
				return Optional.of(path);
			}
		}
		String pathVariable = System.getenv("PATH");
		if (pathVariable != null) {
			for (String dir : pathVariable.split(File.pathSeparator)) {
				if (dir.isEmpty()) {
					continue;
				}
				Path path = Path.of(dir, name);
				if (Files.isRegularFile(path) && Files.isExecutable(path)) {
					return Optional.of(path);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * An executable the test needs: fails (not skips) with how to install it when it is
	 * missing.
	 */
	static Path requireExecutable(String name, String install, String... candidates) {
		return findExecutable(name, candidates)
			.orElseGet(() -> fail("'" + name + "' is not installed (looked in " + String.join(", ", candidates)
					+ " and the PATH); install it: " + install + " (.ci/run does this on CI)"));
	}

	/** Runs a command in a directory and waits for it (at most the timeout). */
	static Result run(Path dir, Duration timeout, List<String> command) {
		try {
			Path stdout = Files.createTempFile("command-", ".out");
			Path stderr = Files.createTempFile("command-", ".err");
			try {
				Process process = new ProcessBuilder(command).directory(dir.toFile())
					.redirectInput(ProcessBuilder.Redirect.from(nullFile()))
					.redirectOutput(stdout.toFile())
					.redirectError(stderr.toFile())
					.start();
				if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					stop(process);
					fail(String.join(" ", command) + " did not finish within " + timeout + "\n--- stdout\n"
							+ Files.readString(stdout) + "\n--- stderr\n" + Files.readString(stderr));
				}
				return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
			}
			finally {
				Files.deleteIfExists(stdout);
				Files.deleteIfExists(stderr);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static Result run(Path dir, Duration timeout, String... command) {
		return run(dir, timeout, List.of(command));
	}

	/** Runs a command that must succeed. */
	static Result check(Path dir, Duration timeout, String... command) {
		Result result = run(dir, timeout, command);
		if (result.exitCode() != 0) {
			fail(result.describe(List.of(command)));
		}
		return result;
	}

	private static File nullFile() {
		return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
	}

	/** Stops a process we started: SIGTERM, then SIGKILL after 10 s. */
	static void stop(Process process) throws InterruptedException {
		if (!process.isAlive()) {
			return;
		}
		process.destroy();
		if (!process.waitFor(10, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	/** A TCP port free on 127.0.0.1 right now. */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** An HTTP response: status and body. */
	record Response(int status, String body) {
	}

	static Response get(String uri, String accept) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(uri))
			.timeout(Duration.ofSeconds(10))
			.header("Accept", accept)
			.GET()
			.build();
		try {
			HttpResponse<String> response = http.send(request,
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			return new Response(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			return new Response(-1, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static Response post(String uri, String jsonBody) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(uri))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(jsonBody))
			.build();
		try {
			HttpResponse<String> response = http.send(request,
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			return new Response(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			return new Response(-1, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The last lines of a log file, for failure messages. */
	static String tail(Path file, int lines) {
		try {
			if (!Files.exists(file)) {
				return "(no " + file + ")";
			}
			List<String> all = Files.readAllLines(file);
			return String.join("\n", new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
		}
		catch (IOException ex) {
			return "(cannot read " + file + ": " + ex + ")";
		}
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
