package io.github.jlitestream.core.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Randomised end-to-end replication against a replica store: several application writers
 * with SQLite's own autocheckpoint on, inserts, updates, deletes, blobs, schema changes
 * and transactions of thousands of pages, and checkpoints forced by the application while
 * they write. After a graceful stop the restored database must equal the source row for
 * row and pass the integrity check.
 */
public abstract class AbstractReplicationScenarioTests {

	@TempDir
	protected Path dir;

	/** A client on an empty replica. */
	protected abstract ReplicaClient createClient() throws Exception;

	@Test
	void concurrentWritersWithForcedCheckpoints() throws Exception {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		Path path = this.dir.resolve("scenario.db");
		ReplicaClient client = createClient();
		ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
		try (Connection setup = Sql.connect(path)) {
			Sql.execute(setup, "CREATE TABLE items (id INTEGER PRIMARY KEY, writer INTEGER, v TEXT, b BLOB)",
					"CREATE TABLE counters (writer INTEGER PRIMARY KEY, n INTEGER)");
			ReplicationManager manager = new ReplicationManager();
			DatabaseOptions options = DatabaseOptions.builder(path)
				.monitorInterval(Duration.ofMillis(100))
				.minCheckpointPageCount(200)
				.maxCheckpointPageCount(2000)
				.truncatePageCount(0)
				.build();
			DatabaseReplication replication = manager.add("scenario", options,
					List.of(new ReplicaSpec(client,
							ReplicaOptions.builder("r").syncInterval(Duration.ofMillis(100)).build())),
					new Lz4FrameCodec());
			manager.start();
			AtomicBoolean stop = new AtomicBoolean();
			AtomicInteger transactions = new AtomicInteger();
			List<Thread> threads = new ArrayList<>();
			for (int w = 0; w < 3; w++) {
				int writer = w;
				long writerSeed = random.nextLong();
				threads.add(start(() -> write(path, writer, writerSeed, stop, transactions), errors));
			}
			threads.add(start(() -> checkpointer(path, random.nextLong(), stop), errors));
			threads.add(start(() -> schemaChanger(path, stop), errors));
			threads.add(start(() -> engineCheckpoints(replication, random.nextLong(), stop), errors));
			Thread.sleep(6000);
			stop.set(true);
			for (Thread thread : threads) {
				thread.join(60_000);
			}
			// Three writers can keep every restart from completing on a loaded machine:
			// the WAL then restarts now, between two commits, so that the restore below
			// always crosses a restart.
			for (int attempt = 0; restarts(replication) == 0 && attempt < 50; attempt++) {
				replication.database().checkpoint(CheckpointMode.RESTART);
				Sql.execute(setup, "INSERT INTO items (writer, v) VALUES (-1, 'after restart " + attempt + "')");
				replication.database().sync();
				Thread.sleep(100);
			}
			assertThat(errors).as("writer errors (seed %d)", seed).isEmpty();
			assertThat(manager.stop()).isTrue();
			assertThat(transactions.get()).isGreaterThan(50);
			Path restored = this.dir.resolve("restored.db");
			RestoreResult result = new Restorer(new Lz4FrameCodec()).restore(client,
					RestoreOptions.builder(restored).parallelism(4).build(), RestoreProgress.NONE);
			assertThat(result.position()).isEqualTo(replication.database().position());
			assertThat(result.position().index()).as("the WAL restarted").isGreaterThan(0);
			assertThat(Sql.dump(restored)).as("seed %d", seed).isEqualTo(Sql.dump(setup));
			assertThat(Sql.integrityCheck(restored)).isEqualTo("ok");
		}
		finally {
			client.close();
		}
	}

	private static long restarts(DatabaseReplication replication) {
		Position position = replication.database().position();
		return (position != null) ? position.index() : 0;
	}

	private static void write(Path path, int writer, long seed, AtomicBoolean stop, AtomicInteger transactions) {
		Random random = new Random(seed);
		try (Connection connection = Sql.connect(path)) {
			Sql.execute(connection, "INSERT OR IGNORE INTO counters VALUES (" + writer + ", 0)");
			while (!stop.get()) {
				int kind = random.nextInt(100);
				connection.setAutoCommit(false);
				if (kind < 3) {
					// a transaction of thousands of pages
					try (PreparedStatement insert = connection
						.prepareStatement("INSERT INTO items (writer, v, b) VALUES (?, ?, randomblob(?))")) {
						for (int i = 0; i < 1500; i++) {
							insert.setInt(1, writer);
							insert.setString(2, "bulk " + i);
							insert.setInt(3, 3000);
							insert.addBatch();
						}
						insert.executeBatch();
					}
				}
				else if (kind < 60) {
					try (PreparedStatement insert = connection
						.prepareStatement("INSERT INTO items (writer, v, b) VALUES (?, ?, randomblob(?))")) {
						insert.setInt(1, writer);
						insert.setString(2, "v" + random.nextInt());
						insert.setInt(3, (random.nextInt(10) == 0) ? 20_000 : random.nextInt(200));
						insert.executeUpdate();
					}
				}
				else if (kind < 80) {
					Sql.execute(connection, "UPDATE items SET v = v || 'u' WHERE id IN (SELECT id FROM items WHERE "
							+ "writer = " + writer + " ORDER BY random() LIMIT 5)");
				}
				else {
					Sql.execute(connection, "DELETE FROM items WHERE id IN (SELECT id FROM items WHERE writer = "
							+ writer + " ORDER BY random() LIMIT 3)");
				}
				Sql.execute(connection, "UPDATE counters SET n = n + 1 WHERE writer = " + writer);
				connection.commit();
				connection.setAutoCommit(true);
				transactions.incrementAndGet();
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void checkpointer(Path path, long seed, AtomicBoolean stop) {
		Random random = new Random(seed);
		String[] modes = { "PASSIVE", "FULL", "RESTART", "TRUNCATE" };
		try (Connection connection = Sql.connect(path)) {
			Sql.execute(connection, "PRAGMA busy_timeout = 100");
			while (!stop.get()) {
				Thread.sleep(150);
				Sql.execute(connection, "PRAGMA wal_checkpoint(" + modes[random.nextInt(modes.length)] + ")");
			}
		}
		catch (SQLException ex) {
			if (!String.valueOf(ex.getMessage()).contains("SQLITE_BUSY")) {
				throw new IllegalStateException(ex);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void engineCheckpoints(DatabaseReplication replication, long seed, AtomicBoolean stop) {
		Random random = new Random(seed);
		CheckpointMode[] modes = CheckpointMode.values();
		while (!stop.get()) {
			try {
				Thread.sleep(400);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			replication.database().checkpoint(modes[random.nextInt(modes.length)]);
		}
	}

	private static void schemaChanger(Path path, AtomicBoolean stop) {
		try (Connection connection = Sql.connect(path)) {
			for (int i = 0; !stop.get(); i++) {
				Thread.sleep(700);
				Sql.execute(connection, "CREATE TABLE extra" + i + " (id INTEGER PRIMARY KEY, note TEXT)",
						"INSERT INTO extra" + i + " (note) VALUES ('created " + i + "')");
				if (i % 2 == 1) {
					Sql.execute(connection, "ALTER TABLE extra" + (i - 1) + " ADD COLUMN more TEXT DEFAULT 'x'",
							"CREATE INDEX IF NOT EXISTS items_v" + i + " ON items (v)");
				}
				if (i % 3 == 2) {
					Sql.execute(connection, "DROP TABLE extra" + (i - 2));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Thread start(Runnable body, ConcurrentLinkedQueue<Throwable> errors) {
		Thread thread = new Thread(() -> {
			try {
				body.run();
			}
			catch (Throwable ex) {
				errors.add(ex);
			}
		});
		thread.start();
		return thread;
	}

}
