package io.github.jlitestream.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar, as an operator runs it: {@code java -jar litestream-cli.jar}, with
 * the encryption key in an environment variable ({@code -key-env}), its exit codes and
 * its help.
 */
class CliJarIT {

	private static final Path JAR = Path.of("target", "litestream-cli.jar");

	@TempDir
	Path dir;

	@Test
	void thePackagedJarRestoresAnEncryptedReplicaWithTheKeyFromTheEnvironment() throws Exception {
		assertThat(JAR).as("built by package").exists();
		byte[] key = new byte[32];
		Arrays.fill(key, (byte) 42);
		Path replica = this.dir.resolve("replica");
		Path db = this.dir.resolve("app.db");
		try (Harness harness = new Harness(db, new FileReplicaClient(replica),
				new ReplicaCodec(Compression.ZSTD, 3, new Encryption(key, List.of())))) {
			harness.execute("CREATE TABLE t (v TEXT)");
			for (int i = 0; i < 50; i++) {
				harness.execute("INSERT INTO t VALUES ('row " + i + "')");
			}
			harness.sync();
		}
		Map<String, String> env = Map.of("LITESTREAM_KEY", Base64.getEncoder().encodeToString(key));
		Path out = this.dir.resolve("restored.db");
		Result restore = run(env, "restore", "-key-env", "LITESTREAM_KEY", "-o", out.toString(),
				replica.toUri().toString());
		assertThat(restore.code()).as(restore.output()).isZero();
		assertThat(Sql.dump(out)).isEqualTo(Sql.dump(db));
		Result withoutKey = run(Map.of(), "verify", replica.toUri().toString());
		assertThat(withoutKey.code()).as(withoutKey.output()).isEqualTo(ExitCode.DAMAGED);
		assertThat(withoutKey.output()).contains("no encryption key is configured");
		Result unset = run(Map.of(), "verify", "-key-env", "NOT_SET_ANYWHERE", replica.toUri().toString());
		assertThat(unset.code()).isEqualTo(ExitCode.USAGE);
		assertThat(unset.output()).contains("-key-env NOT_SET_ANYWHERE: the environment variable is not set");
		Result help = run(Map.of(), "-h");
		assertThat(help.code()).isZero();
		assertThat(help.output()).contains("restore").contains("verify").contains("Exit codes:");
	}

	private Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-jar");
		command.add(JAR.toAbsolutePath().toString());
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putAll(env);
		Process process = builder.start();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("the jar did not end");
		}
		return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
	}

	private record Result(int code, String output) {
	}

}
