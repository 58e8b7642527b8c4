package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.util.Failpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How the engine proves that the WAL it copies continues what it copied before: it always
 * holds a read transaction taken before its last copy, so the application can restart the
 * WAL at most once between two copies, and a WAL that restarted more often than that
 * starts a new generation instead of silently skipping a lifetime.
 */
class ContinuityTests {

	@TempDir
	Path dir;

	@AfterEach
	void removeFailpoints() {
		Failpoints.set(null);
	}

	/**
	 * Audit finding 2: a failure inside the locked phase of a checkpoint left the engine
	 * without a read transaction; the application then restarted the WAL twice and the
	 * restored database lacked the middle lifetime, with every check passing.
	 */
	@Test
	void aFailureInsideTheLockedCheckpointKeepsTheReadTransaction() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			replicateFirstLifetime(harness);
			Failpoints.set(failOnce(Failpoints.CHECKPOINT_BACKFILL, "disk I/O error (injected)"));
			assertThatExceptionOfType(LitestreamException.class)
				.isThrownBy(() -> harness.database().checkpoint(CheckpointMode.RESTART))
				.withMessageContaining("injected");
			Failpoints.set(null);
			applicationRestartsTheWalTwice(harness);
			harness.sync();
			Map<String, List<String>> restored = restore(harness);
			assertThat(restored).isEqualTo(Sql.dump(harness.app()));
			assertThat(restored.get("u")).containsExactly("lifetime 2");
		}
	}

	/**
	 * Audit finding 2, the second half: when the engine really had no read transaction
	 * (taking it again failed), two restarts of the WAL before the next copy start a new
	 * generation rather than skip a lifetime.
	 */
	@Test
	void twoRestartsWhileTheEngineHadNoReadTransactionStartANewGeneration() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			replicateFirstLifetime(harness);
			Generation before = harness.database().position().generation();
			Failpoints.set(failOnce(Failpoints.CHECKPOINT_RETAKE_READ, "cannot take the read lock (injected)"));
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> harness.database().checkpoint(CheckpointMode.RESTART));
			Failpoints.set(null);
			applicationRestartsTheWalTwice(harness);
			harness.sync();
			assertThat(harness.database().position().generation()).as("continuity could not be proven")
				.isNotEqualTo(before);
			Map<String, List<String>> restored = restore(harness);
			assertThat(restored).isEqualTo(Sql.dump(harness.app()));
			assertThat(restored.get("u")).containsExactly("lifetime 2");
		}
	}

	/**
	 * Audit finding 11: without a read transaction of its own (after open, or after a
	 * failure), the engine copies the old lifetime's frames beyond its shadow WAL after a
	 * restart; when the new lifetime overtook them during that copy, the copy stopped
	 * early and the rest of the old lifetime was skipped without notice.
	 */
	@Test
	void aRestartThatOvertakesTheOldLifetimeWhileItIsCopiedStartsANewGeneration() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")));
				Connection reader = Sql.connect(path)) {
			harness.execute("CREATE TABLE t (v TEXT)");
			for (int i = 0; i < 30; i++) {
				harness.execute("INSERT INTO t VALUES ('copied " + i + "')");
			}
			harness.sync();
			Generation before = harness.database().position().generation();
			// An application reader keeps the WAL from restarting, the engine loses its
			// read transaction.
			reader.setAutoCommit(false);
			Sql.execute(reader, "SELECT COUNT(*) FROM t");
			Failpoints.set(failOnce(Failpoints.CHECKPOINT_RETAKE_READ, "cannot take the read lock (injected)"));
			assertThatExceptionOfType(RuntimeException.class)
				.isThrownBy(() -> harness.database().checkpoint(CheckpointMode.RESTART));
			Failpoints.set(null);
			for (int i = 0; i < 30; i++) {
				harness.execute("INSERT INTO t VALUES ('old lifetime, not copied " + i + "')");
			}
			reader.commit();
			// The application backfills and restarts the WAL; while the engine copies the
			// old lifetime's tail, the new lifetime grows over it.
			harness.execute("PRAGMA wal_checkpoint(PASSIVE)", "INSERT INTO t VALUES ('new lifetime')");
			Failpoints.set((name) -> {
				if (name.equals(Failpoints.COPY_OLD_TAIL)) {
					Failpoints.set(null);
					try {
						for (int i = 0; i < 200; i++) {
							harness.execute("INSERT INTO t VALUES ('" + "n".repeat(3000) + "')");
						}
					}
					catch (SQLException ex) {
						throw new IllegalStateException(ex);
					}
				}
			});
			harness.sync();
			assertThat(harness.database().position().generation()).as("continuity could not be proven")
				.isNotEqualTo(before);
			assertThat(restore(harness)).isEqualTo(Sql.dump(harness.app()));
		}
	}

	/**
	 * One restart by the application between two copies is the next WAL index of the same
	 * generation: a snapshot backfills the whole WAL, and the application's next write
	 * restarts it.
	 */
	@Test
	void oneRestartByTheApplicationContinuesTheGeneration() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			harness.sync();
			Position before = harness.database().position();
			harness.execute("INSERT INTO t VALUES ('b')");
			harness.sync();
			Position after = harness.database().position();
			assertThat(after.generation()).isEqualTo(before.generation());
			assertThat(after.index()).as("the application restarted the WAL").isEqualTo(before.index() + 1);
			assertThat(restore(harness)).isEqualTo(Sql.dump(harness.app()));
		}
	}

	/**
	 * Found by the fault campaign's full-disk scenario in CI: when the shadow WAL of the
	 * next WAL index could not be created (no space), the index had advanced anyway, the
	 * next copy advanced it again, and the replica was left with an index no segment
	 * holds ("WAL index 00000004 has no segments, but index 00000006 does"): neither this
	 * project nor Litestream could restore it.
	 */
	@Test
	void aShadowWalThatCannotBeCreatedAtARestartDoesNotSkipTheIndex() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			// the snapshot leaves the WAL backfilled: the next write restarts it
			harness.sync();
			Position before = harness.database().position();
			harness.execute("INSERT INTO t VALUES ('b')");
			AtomicBoolean full = new AtomicBoolean(true);
			Failpoints.set(noSpaceForShadowWalWhile(() -> full.getAndSet(false)));
			assertThatExceptionOfType(Exception.class).isThrownBy(harness::sync)
				.withStackTraceContaining("No space left on device");
			Failpoints.set(null);
			harness.execute("INSERT INTO t VALUES ('c')");
			harness.sync();
			Position after = harness.database().position();
			assertThat(after.generation()).isEqualTo(before.generation());
			assertThat(after.index()).as("the index whose shadow WAL was not created, tried again")
				.isEqualTo(before.index() + 1);
			assertThat(restore(harness)).isEqualTo(Sql.dump(harness.app()));
		}
	}

	/**
	 * Found with the index skip above: when the disk of the local state was full, the
	 * ended generation's shadow WAL held the space the next generation's needed, and the
	 * engine tried a new generation at every sync for ever (the campaign's "replication
	 * did not resume within 60 s of space returning").
	 */
	@Test
	void aNewGenerationWithoutSpaceForItsShadowWalRemovesTheEndedGenerationsLocalState() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			harness.sync();
			Generation ended = harness.database().position().generation();
			Path endedState = harness.database().options().metaPath().resolve("generations").resolve(ended.id());
			assertThat(endedState).isDirectory();
			harness.database().startNewGeneration("test: the WAL was overwritten");
			// the disk has room for a shadow WAL only once the ended generation's is gone
			Failpoints.set(noSpaceForShadowWalWhile(() -> Files.exists(endedState)));
			harness.execute("INSERT INTO t VALUES ('b')");
			assertThatExceptionOfType(Exception.class).isThrownBy(harness::sync)
				.withStackTraceContaining("No space left on device");
			assertThat(endedState).doesNotExist();
			harness.execute("INSERT INTO t VALUES ('c')");
			try {
				harness.sync();
			}
			catch (Exception ex) {
				// the replica may first find the ended generation's shadow WAL gone
				harness.sync();
			}
			assertThat(harness.database().position().generation()).isNotEqualTo(ended);
			assertThat(restore(harness)).isEqualTo(Sql.dump(harness.app()));
		}
	}

	/**
	 * After a TRUNCATE checkpoint by one connection of the application, the next write by
	 * another connection (one that never restarted the WAL itself) draws new salts
	 * instead of salt-1 plus one; with the engine's mark held that is still the next
	 * lifetime of the same generation.
	 */
	@Test
	void aTruncateByOneConnectionAndAWriteByAnotherContinueTheGeneration() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")));
				Connection other = Sql.connect(path)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			// the snapshot leaves the WAL backfilled and the engine's read on slot 0
			harness.sync();
			Generation before = harness.database().position().generation();
			harness.execute("PRAGMA wal_checkpoint(TRUNCATE)");
			Sql.execute(other, "INSERT INTO t VALUES ('b')");
			harness.sync();
			assertThat(harness.database().position().generation()).isEqualTo(before);
			assertThat(restore(harness)).isEqualTo(Sql.dump(harness.app()));
		}
	}

	/** Three tables, rows in the first, all of it copied and uploaded. */
	private static void replicateFirstLifetime(Harness harness) throws Exception {
		harness.execute("CREATE TABLE t (v TEXT)", "CREATE TABLE u (v TEXT)", "CREATE TABLE w (v TEXT)");
		for (int i = 0; i < 50; i++) {
			harness.execute("INSERT INTO t VALUES ('t" + i + "')");
		}
		harness.sync();
	}

	private static void applicationRestartsTheWalTwice(Harness harness) throws Exception {
		// A short busy timeout: while the engine holds its read transaction these
		// checkpoints wait for it, then give up without restarting the WAL.
		harness.execute("PRAGMA busy_timeout = 200", "PRAGMA wal_checkpoint(RESTART)",
				"INSERT INTO u VALUES ('lifetime 2')", "PRAGMA wal_checkpoint(RESTART)",
				"INSERT INTO w VALUES ('lifetime 3')", "PRAGMA busy_timeout = 10000");
	}

	private Map<String, List<String>> restore(Harness harness) throws Exception {
		Path out = this.dir.resolve("restored-" + System.nanoTime() + ".db");
		harness.restore(RestoreOptions.latest(out));
		return Sql.dump(out);
	}

	/**
	 * Fails the creation of a shadow WAL as a full disk does, while {@code full} says so.
	 */
	private static Consumer<String> noSpaceForShadowWalWhile(BooleanSupplier full) {
		return (name) -> {
			if (name.equals(Failpoints.SHADOW_CREATE) && full.getAsBoolean()) {
				throw new UncheckedIOException(new IOException("No space left on device"));
			}
		};
	}

	private static Consumer<String> failOnce(String failpoint, String message) {
		boolean[] failed = { false };
		return (name) -> {
			if (name.equals(failpoint) && !failed[0]) {
				failed[0] = true;
				throw new LitestreamException(message);
			}
		};
	}

}
