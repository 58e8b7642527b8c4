package io.github.jlitestream.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process that replicates while it writes is killed (SIGKILL) mid-write, twice: every
 * row the replica had confirmed is restored, the restore is a consistent prefix, and a
 * restarted engine picks up where it was.
 */
class CrashRecoveryTests {

	@TempDir
	Path dir;

	@Test
	void killedMidWriteLosesNothingConfirmed() throws Exception {
		Path path = this.dir.resolve("crash.db");
		Path replica = this.dir.resolve("replica");
		long firstDurable = runAndKill(path, replica, 2500);
		assertRestoredPrefix(replica, firstDurable, "first");
		long secondDurable = runAndKill(path, replica, 2500);
		assertThat(secondDurable).isGreaterThan(firstDurable);
		assertRestoredPrefix(replica, secondDurable, "second");
	}

	private long runAndKill(Path path, Path replica, long millis) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				CrashingWriter.class.getName(), path.toString(), replica.toString()))
			.redirectErrorStream(true)
			.start();
		AtomicLong durable = new AtomicLong();
		StringBuilder log = new StringBuilder();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.startsWith("DURABLE ")) {
						durable.set(Long.parseLong(line.substring(8)));
					}
					else if (log.length() < 20_000) {
						log.append(line).append('\n');
					}
				}
			}
			catch (Exception ex) {
				// the process died
			}
		});
		reader.start();
		try {
			Thread.sleep(millis);
		}
		finally {
			process.destroyForcibly(); // SIGKILL: no shutdown hook, no final sync
			process.waitFor();
			reader.join(10_000);
		}
		assertThat(durable.get()).as(log.toString()).isGreaterThan(20);
		return durable.get();
	}

	private void assertRestoredPrefix(Path replica, long durable, String name) throws Exception {
		Path restored = this.dir.resolve(name + "-restored.db");
		new Restorer(new Lz4FrameCodec()).restore(new FileReplicaClient(replica), RestoreOptions.latest(restored),
				RestoreProgress.NONE);
		assertThat(Sql.integrityCheck(restored)).isEqualTo("ok");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + restored);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*), MIN(id), MAX(id) FROM t")) {
			rs.next();
			long count = rs.getLong(1);
			assertThat(rs.getLong(2)).isEqualTo(1);
			assertThat(rs.getLong(3)).as("rows are a prefix, with no gap").isEqualTo(count);
			assertThat(count).as("every confirmed row is there").isGreaterThanOrEqualTo(durable);
		}
	}

}
