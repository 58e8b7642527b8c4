package io.github.jlitestream.core;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, acceptance 3: scheduled verification under a continuous write load (single
 * rows, large transactions, schema changes, WAL restarts into new indexes): at least 100
 * verifications, each comparing the replica with the database at one position, and no
 * false alarm; then a byte flipped in a stored segment is reported, naming it, within an
 * interval or two.
 */
class ScheduledVerificationTests {

	@TempDir
	Path dir;

	@Test
	void aHundredVerificationsUnderLoadWithoutAFalseAlarmThenAFlippedByteIsFound() throws Exception {
		Path db = this.dir.resolve("app.db");
		Path replicaDir = this.dir.resolve("replica");
		AtomicReference<String> failure = new AtomicReference<>();
		AtomicLong verifications = new AtomicLong();
		ReplicationListener listener = new ReplicationListener() {
			@Override
			public void onVerification(String database, String replica, String outcome, Duration duration,
					String problem) {
				verifications.incrementAndGet();
				if (outcome.equals("failure")) {
					failure.compareAndSet(null, problem);
				}
			}
		};
		ReplicationManager manager = new ReplicationManager(listener, Clock.systemUTC());
		manager.add("app",
				DatabaseOptions.builder(db)
					.monitorInterval(Duration.ofMillis(20))
					.minCheckpointPageCount(50)
					.maxCheckpointPageCount(300)
					.build(),
				List.of(new ReplicaSpec(new FileReplicaClient(replicaDir),
						ReplicaOptions.builder("backup")
							.syncInterval(Duration.ofMillis(50))
							// no snapshot by the clock: one written after the byte is
							// flipped would take the flipped segment out of the latest
							// restore (adaptive snapshots need writes, which have
							// stopped)
							.snapshotInterval(Duration.ofHours(1))
							.verifyInterval(Duration.ofMillis(50))
							.build())));
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicLong commits = new AtomicLong();
		Thread writer;
		try (Connection app = Sql.connect(db)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			manager.start();
			writer = new Thread(() -> write(db, writing, commits), "test-writer");
			writer.start();
			try {
				Await.until(Duration.ofMinutes(2), () -> verified(manager) >= 100 || failure.get() != null);
				assertThat(failure.get()).as("a false alarm").isNull();
				VerificationStatus status = verification(manager);
				assertThat(status.successes()).isGreaterThanOrEqualTo(100);
				assertThat(status.failures()).isZero();
				assertThat(status.failing()).isFalse();
				// measured, not asserted: the machine is shared
				System.out.printf("%d verifications, %d commits; writers waited at most %d us for one%n",
						status.successes(), commits.get(), status.longestWriteLock().toNanos() / 1000);
				assertThat(commits.get()).as("the writer wrote meanwhile").isGreaterThan(100);
				assertThat(manager.status().get(0).position().index()).as("WAL restarts into new indexes").isPositive();
			}
			finally {
				writing.set(false);
				writer.join();
			}
			// a byte flipped in a segment the latest restore reads
			Generation generation = manager.status().get(0).position().generation();
			Path walDir = replicaDir.resolve(ReplicaPaths.walDir(generation));
			Path segment;
			try (Stream<Path> files = Files.list(walDir)) {
				// a segment, not the temporary file of an upload still in flight
				segment = files.filter((file) -> file.getFileName().toString().endsWith(".wal.lz4"))
					.max(Comparator.naturalOrder())
					.orElseThrow();
			}
			byte[] bytes = Files.readAllBytes(segment);
			bytes[bytes.length / 2] ^= 0x5a;
			Files.write(segment, bytes);
			Await.until(Duration.ofSeconds(30), () -> failure.get() != null);
			assertThat(failure.get()).contains(walDir.getFileName().toString())
				.contains(segment.getFileName().toString());
			assertThat(verification(manager).failing()).isTrue();
			assertThat(verification(manager).lastProblem()).contains(segment.getFileName().toString());
		}
		finally {
			manager.stop();
		}
	}

	/**
	 * A replica consistent in itself (every object decodes, every frame chains, the
	 * restore passes {@code integrity_check}) whose snapshot holds other rows than the
	 * database did: only the comparison with the database at the same position finds it,
	 * naming the table.
	 */
	@Test
	void aReplicaThatRestoresCleanlyButDiffersFromTheDatabaseIsFound() throws Exception {
		Path db = this.dir.resolve("app.db");
		Path replicaDir = this.dir.resolve("replica");
		try (Connection app = Sql.connect(db)) {
			Sql.execute(app, "CREATE TABLE cold (id INTEGER PRIMARY KEY, v TEXT)",
					"INSERT INTO cold (v) VALUES ('written once, never again')", "CREATE TABLE t (v TEXT)");
		}
		ReplicationManager manager = new ReplicationManager();
		manager.add("app", DatabaseOptions.builder(db).monitorInterval(Duration.ofMillis(20)).build(),
				List.of(new ReplicaSpec(new FileReplicaClient(replicaDir),
						ReplicaOptions.builder("backup")
							.syncInterval(Duration.ofMillis(50))
							.snapshotInterval(Duration.ZERO)
							.verifyInterval(Duration.ofMillis(50))
							.build())));
		try (Connection app = Sql.connect(db)) {
			manager.start();
			Sql.execute(app, "INSERT INTO t VALUES ('one')");
			Await.until(Duration.ofSeconds(30), () -> verification(manager).successes() >= 3);
			Generation generation = manager.status().get(0).position().generation();
			Path snapshot = replicaDir.resolve(ReplicaPaths.snapshotsDir(generation)).resolve("00000000.snapshot.lz4");
			forge(snapshot, this.dir.resolve("forged.db"));
			Sql.execute(app, "INSERT INTO t VALUES ('two')");
			Await.until(Duration.ofSeconds(30), () -> verification(manager).failing());
			assertThat(verification(manager).lastProblem()).contains("differs from the database in cold")
				.doesNotContain(" t,");
		}
		finally {
			manager.stop();
		}
	}

	/** Rewrites a stored snapshot with one row of {@code cold} changed. */
	private static void forge(Path snapshot, Path work) throws Exception {
		Lz4FrameCodec codec = new Lz4FrameCodec();
		String key = "snapshot";
		try (InputStream in = codec.decode(Files.newInputStream(snapshot), key)) {
			Files.copy(in, work);
		}
		try (Connection connection = Sql.connect(work)) {
			Sql.execute(connection, "UPDATE cold SET v = 'forged in the replica!!' WHERE id = 1",
					"PRAGMA wal_checkpoint(TRUNCATE)");
		}
		snapshot.toFile().setWritable(true);
		try (OutputStream out = codec.encode(Files.newOutputStream(snapshot), key)) {
			Files.copy(work, out);
		}
	}

	private static void write(Path db, AtomicBoolean writing, AtomicLong commits) {
		try (Connection app = Sql.connect(db)) {
			long i = 0;
			while (writing.get()) {
				i++;
				if (i % 200 == 0) {
					// a large transaction of many pages
					app.setAutoCommit(false);
					for (int r = 0; r < 100; r++) {
						Sql.execute(app, "INSERT INTO t (v) VALUES ('" + "x".repeat(500) + "')");
					}
					app.commit();
					app.setAutoCommit(true);
				}
				else if (i % 97 == 0) {
					Sql.execute(app, "CREATE TABLE IF NOT EXISTS t" + i + " (v TEXT)",
							"INSERT INTO t" + i + " VALUES ('schema change')");
				}
				else if (i % 13 == 0) {
					Sql.execute(app, "UPDATE t SET v = 'updated " + i + "' WHERE id % 101 = " + (i % 101));
				}
				else {
					Sql.execute(app, "INSERT INTO t (v) VALUES ('row " + i + "')");
				}
				commits.incrementAndGet();
				Thread.sleep(5);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static VerificationStatus verification(ReplicationManager manager) {
		return manager.status().get(0).replicas().get(0).verification();
	}

	private static long verified(ReplicationManager manager) {
		VerificationStatus status = verification(manager);
		return status.successes() + status.failures();
	}

}
