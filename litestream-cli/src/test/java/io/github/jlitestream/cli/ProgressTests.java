package io.github.jlitestream.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, acceptance 4: on a terminal, restore and verify draw a progress bar; without
 * one their output has no control characters. The terminal is a real pseudo-terminal,
 * from util-linux's {@code script}, around the command line in a JVM of its own.
 */
class ProgressTests {

	@TempDir
	Path dir;

	private Path replica;

	@BeforeEach
	void replicate() throws Exception {
		this.replica = this.dir.resolve("replica");
		try (Harness harness = new Harness(this.dir.resolve("app.db"), new FileReplicaClient(this.replica))) {
			harness.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
			for (int i = 0; i < 20; i++) {
				harness.execute("INSERT INTO t (v) VALUES (randomblob(200000))");
				harness.sync();
			}
		}
	}

	@Test
	void aTerminalShowsAProgressBar() throws Exception {
		Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
		Path out = this.dir.resolve("restored.db");
		String terminal = onTerminal("restore", "-o", out.toString(), this.replica.toUri().toString());
		assertThat(Sql.count(out, "t")).isEqualTo(20);
		// the bar: its task, a percentage, the rate, redrawn over itself (a carriage
		// return that does not end a line)
		assertThat(terminal).containsPattern("restore +\\d+% \\[").contains("MB").containsPattern("\r[^\n]");
		assertThat(terminal).contains("restored " + out);
		String verify = onTerminal("verify", this.replica.toUri().toString());
		assertThat(verify).containsPattern("verify [0-9a-f]{16} +\\d+% \\[")
			.containsPattern("\r[^\n]")
			.contains(": ok, restorable from");
	}

	@Test
	void withoutATerminalTheOutputHasNoControlCharacters() {
		Path out = this.dir.resolve("restored.db");
		Cli restore = Cli.run("restore", "-o", out.toString(), this.replica.toUri().toString());
		Cli verify = Cli.run("verify", this.replica.toUri().toString());
		for (Cli cli : List.of(restore, verify)) {
			assertThat(cli.exitCode()).as(cli.toString()).isZero();
			assertThat(cli.all().chars().filter((c) -> c < 0x20 && c != '\n')).as(cli.toString()).isEmpty();
		}
		assertThat(restore.out()).contains("restored " + out).contains("MB/s").contains("integrity_check ok");
	}

	/**
	 * Runs the command line in a JVM of its own on a pseudo-terminal; returns what it
	 * drew.
	 */
	private String onTerminal(String... args) throws IOException, InterruptedException {
		StringBuilder command = new StringBuilder();
		command.append(Path.of(System.getProperty("java.home"), "bin", "java"))
			.append(" -cp ")
			.append(System.getProperty("java.class.path"))
			.append(' ')
			.append(LitestreamCli.class.getName());
		for (String arg : args) {
			command.append(' ').append(arg);
		}
		Path typescript = this.dir.resolve("typescript");
		Process process = new ProcessBuilder("/usr/bin/script", "-qefc", command.toString(), typescript.toString())
			.redirectErrorStream(true)
			.redirectInput(ProcessBuilder.Redirect.PIPE)
			.start();
		process.getOutputStream().close();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("the command line did not end: " + new String(output, StandardCharsets.UTF_8));
		}
		String drawn = Files.readString(typescript, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as(drawn).isZero();
		return drawn;
	}

}
