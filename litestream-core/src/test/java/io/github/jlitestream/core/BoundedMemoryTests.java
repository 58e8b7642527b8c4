package io.github.jlitestream.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1 GiB database snapshots, replicates and restores in a JVM whose heap is capped at
 * 128 MiB, with and without encryption.
 */
class BoundedMemoryTests {

	@TempDir
	Path dir;

	@ParameterizedTest
	@ValueSource(strings = { "plain", "encrypted" })
	void gibibyteDatabaseWithSmallHeap(String mode) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
				LargeDatabaseCheck.class.getName(), this.dir.toString(), "1024", mode))
			.redirectErrorStream(true)
			.start();
		String output;
		try {
			output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
		}
		finally {
			process.destroyForcibly();
		}
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output).containsPattern("OK \\d{10} bytes, max heap 1\\d\\d MiB");
	}

}
