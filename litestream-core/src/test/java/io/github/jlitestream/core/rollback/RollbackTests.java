package io.github.jlitestream.core.rollback;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.DatabaseStatus;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Await;
import io.github.jlitestream.core.testing.ChildProcess;
import io.github.jlitestream.core.util.SqliteFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Issue 18: a rollback staged while the application runs (the live database untouched),
 * applied at the next start before anything opens the database, in a new generation named
 * after the target; the database before it kept beside it; and a start killed at any step
 * of applying it leaves the old state or the new one live, never a mix, and the following
 * start finishes it.
 */
class RollbackTests {

	@TempDir
	Path dir;

	private Path db;

	private Path replica;

	private Map<String, List<String>> before;

	private Map<String, List<String>> after;

	private Instant noted;

	@BeforeEach
	void writeThenDelete() throws Exception {
		this.db = this.dir.resolve("app.db");
		this.replica = this.dir.resolve("replica");
		ReplicationManager manager = manager();
		try (Connection app = Sql.connect(this.db)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			manager.start();
			for (int i = 0; i < 20; i++) {
				Sql.execute(app, "INSERT INTO t (v) VALUES ('row " + i + "')");
			}
			awaitCaughtUp(manager);
			this.before = Sql.dump(app);
			Thread.sleep(1100);
			this.noted = Instant.now();
			Thread.sleep(1100);
			// the mistaken DELETE
			Sql.execute(app, "DELETE FROM t WHERE id > 5");
			awaitCaughtUp(manager);
			this.after = Sql.dump(app);
			assertThat(this.after).isNotEqualTo(this.before);
		}
		finally {
			manager.stop();
		}
	}

	@Test
	void aStagedRollbackIsAppliedAtTheNextStartInANewGenerationWithTheOldFileKept() throws Exception {
		Generation old;
		ReplicationManager running = manager();
		running.start();
		try {
			DatabaseReplication replication = running.databases().get(0);
			old = replication.database().position().generation();
			RollbackIntent intent = replication.rollback()
				.stage(null, this.noted, null, 4, "timestamp " + this.noted, "test");
			assertThat(intent.target()).isEqualTo("timestamp " + this.noted);
			assertThat(Sql.dump(this.db)).as("staging leaves the live database alone").isEqualTo(this.after);
			assertThat(replication.rollback().staged()).isPresent();
			assertThatExceptionOfType(LitestreamException.class)
				.isThrownBy(() -> replication.rollback().stage(null, this.noted, null, 4, "again", "test"))
				.withMessageContaining("is staged already");
		}
		finally {
			running.stop();
		}
		List<String> reasons = new CopyOnWriteArrayList<>();
		ReplicationManager next = new ReplicationManager(new ReplicationListener() {
			@Override
			public void onGenerationChange(String database, Generation generation, String reason) {
				reasons.add(reason);
			}
		}, Clock.systemUTC());
		next.add("app", DatabaseOptions.builder(this.db).monitorInterval(Duration.ofMillis(50)).build(),
				List.of(new ReplicaSpec(new FileReplicaClient(this.replica),
						ReplicaOptions.builder("file")
							.syncInterval(Duration.ofMillis(50))
							.retention(Duration.ofHours(1))
							.build())));
		DatabaseReplication replication = next.databases().get(0);
		RollbackIntent applied = replication.rollback().applyIfStaged().orElseThrow();
		next.start();
		try {
			assertThat(Sql.dump(this.db)).as("rolled back").isEqualTo(this.before);
			assertThat(Sql.dump(applied.aside())).as("the database before the rollback, kept").isEqualTo(this.after);
			awaitCaughtUp(next);
			Generation rolledBack = replication.database().position().generation();
			assertThat(rolledBack).isNotEqualTo(old);
			assertThat(replication.rollback().staged()).isEmpty();
			assertThat(replication.rollback().lastApplied().orElseThrow().target())
				.isEqualTo("timestamp " + this.noted);
			FileReplicaClient client = new FileReplicaClient(this.replica);
			assertThat(client.generations()).contains(old, rolledBack);
			assertThat(restore(null)).as("the replica's newest state").isEqualTo(this.before);
			assertThat(restore(old)).as("the older generation, by id").isEqualTo(this.after);
			assertThat(reasons).as("the new generation says why").hasSize(1);
			assertThat(reasons.get(0)).startsWith("rolled back to timestamp " + this.noted);
			// retention keeps the generation rolled back from while it is inside the
			// window
			replication.replicas().get(0).enforceRetention();
			assertThat(client.generations()).contains(old, rolledBack);
		}
		finally {
			next.stop();
		}
	}

	@Test
	void aTargetOutsideTheWindowStagesNothing() throws Exception {
		ReplicationManager running = manager();
		running.start();
		try {
			DatabaseReplication replication = running.databases().get(0);
			assertThatExceptionOfType(NoBackupException.class).isThrownBy(() -> replication.rollback()
				.stage(null, Instant.parse("2001-01-01T00:00:00Z"), null, 4, "timestamp 2001-01-01T00:00:00Z", "test"));
			assertThat(replication.rollback().staged()).isEmpty();
			assertThat(this.dir.resolve(".app.db-rollback/staged.db")).doesNotExist();
		}
		finally {
			running.stop();
		}
	}

	@Test
	void aCancelledRollbackIsNotApplied() throws Exception {
		ReplicationManager running = manager();
		running.start();
		try {
			DatabaseReplication replication = running.databases().get(0);
			replication.rollback().stage(null, this.noted, null, 4, "timestamp " + this.noted, "test");
			assertThat(replication.rollback().cancel()).isPresent();
			assertThat(replication.rollback().staged()).isEmpty();
		}
		finally {
			running.stop();
		}
		assertThat(manager().databases().get(0).rollback().applyIfStaged()).isEmpty();
		assertThat(Sql.dump(this.db)).isEqualTo(this.after);
	}

	@Test
	void aStartKilledAtAnyStepLeavesTheOldOrTheNewStateAndTheNextFinishesIt() throws Exception {
		for (String step : new String[] { StagedRollback.APPLY_MARKED, StagedRollback.APPLY_CHECKPOINTED,
				StagedRollback.APPLY_LINKED, StagedRollback.APPLY_SWAPPED }) {
			Path db = this.dir.resolve(step + ".db");
			Files.copy(this.db, db);
			Path replica = this.dir.resolve(step + "-replica");
			copyTree(this.replica, replica);
			// the live database has committed frames in its WAL, as after a crash
			try (Connection app = Sql.connect(db)) {
				Sql.execute(app, "PRAGMA wal_autocheckpoint = 0", "INSERT INTO t (v) VALUES ('only in the WAL')");
				Map<String, List<String>> live = Sql.dump(app);
				ReplicationManager running = manager(db, replica);
				running.start();
				try {
					running.databases()
						.get(0)
						.rollback()
						.stage(null, this.noted, null, 4, "timestamp " + this.noted, "test");
				}
				finally {
					running.stop();
				}
				app.close();
				try (ChildProcess start = ChildProcess.start(RollbackApplyProcess.class, db.toString(),
						replica.toString(), step)) {
					start.await("AT " + step);
					start.kill();
				}
				Map<String, List<String>> found = dumpCopy(db);
				// the old state, whole, until the staged file is renamed into place; the
				// new
				// one from then on
				assertThat(found).as("live after a kill at " + step)
					.isEqualTo(step.equals(StagedRollback.APPLY_SWAPPED) ? this.before : live);
				try (ChildProcess start = ChildProcess.start(RollbackApplyProcess.class, db.toString(),
						replica.toString(), "none")) {
					start.await("APPLIED ");
					assertThat(start.lines()).as("finished by the next start").contains("APPLIED true");
				}
				assertThat(dumpCopy(db)).as("after the next start (" + step + ")").isEqualTo(this.before);
				Path aside = new StagedRollback(db, Clock.systemUTC()).lastApplied().orElseThrow().aside();
				assertThat(dumpCopy(aside)).as("kept aside (" + step + ")").isEqualTo(live);
			}
		}
	}

	/** Reads a copy of a database and its WAL, so that reading changes nothing. */
	private Map<String, List<String>> dumpCopy(Path db) throws Exception {
		Path copy = this.dir.resolve("copy-" + System.nanoTime() + ".db");
		Files.copy(db, copy);
		if (Files.exists(SqliteFiles.walPath(db))) {
			Files.copy(SqliteFiles.walPath(db), SqliteFiles.walPath(copy));
		}
		return Sql.dump(copy);
	}

	private static void copyTree(Path from, Path to) throws Exception {
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path path : paths.toList()) {
				Path target = to.resolve(from.relativize(path).toString());
				if (Files.isDirectory(path)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
				}
			}
		}
	}

	private Map<String, List<String>> restore(Generation generation) throws Exception {
		Path out = this.dir.resolve("restored-" + System.nanoTime() + ".db");
		new Restorer(ReplicaCodec.litestream()).restore(new FileReplicaClient(this.replica),
				RestoreOptions.builder(out).generation(generation).build(), RestoreProgress.NONE);
		return Sql.dump(out);
	}

	private ReplicationManager manager() {
		return manager(this.db, this.replica);
	}

	private static ReplicationManager manager(Path db, Path replica) {
		ReplicationManager manager = new ReplicationManager();
		manager.add("app", DatabaseOptions.builder(db).monitorInterval(Duration.ofMillis(50)).build(),
				List.of(new ReplicaSpec(new FileReplicaClient(replica),
						ReplicaOptions.builder("file").syncInterval(Duration.ofMillis(50)).build())));
		return manager;
	}

	private static void awaitCaughtUp(ReplicationManager manager) throws Exception {
		Await.until(Duration.ofSeconds(20), () -> {
			DatabaseStatus status = manager.status().get(0);
			return status.position() != null && status.position().equals(status.replicas().get(0).position());
		});
	}

}
