package io.github.jlitestream.core.verify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.util.LocalFiles;
import io.github.jlitestream.core.util.SqliteFiles;
import io.github.jlitestream.core.verify.Verification.Outcome;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Verifies one replica against its database. The replica's latest state of the current
 * generation is restored into a work directory, as every restore is (each object decoded,
 * every WAL frame chain-checked, then {@code integrity_check}): that state is at the
 * replica's position R. Then a position P at or after R is pinned: under SQLite's write
 * lock, held only while the engine copies the last commits, a read transaction of the
 * verifier's own starts at exactly P. The shadow WAL from R's index to P is copied,
 * applied to the restored file by SQLite's own WAL recovery (replaying a WAL index from
 * its start over a state inside it gives the state at its end), and both sides are
 * digested table by table: the replica at P, through the restored file, and the database
 * at P, through the read transaction. Writers wait only for the copy; the read
 * transaction holds no lock they need.
 */
public final class ReplicaVerifier {

	private final Database database;

	private final ReplicaClient client;

	private final ObjectCodec codec;

	private final Supplier<@Nullable Position> replicaPosition;

	private final ShadowHold shadowHold;

	private final Path work;

	/** How long the current verification held SQLite's write lock. */
	private Duration writeLockHeld = Duration.ZERO;

	/**
	 * Prepares the verifications of one replica.
	 * @param database the database the replica is of
	 * @param client the replica's store
	 * @param codec reads its objects
	 * @param replicaPosition what the replica durably holds now
	 * @param shadowHold keeps the shadow WAL from an index on while a verification needs
	 * it
	 * @param work a directory of its own, emptied by each verification
	 */
	public ReplicaVerifier(Database database, ReplicaClient client, ObjectCodec codec,
			Supplier<@Nullable Position> replicaPosition, ShadowHold shadowHold, Path work) {
		this.database = database;
		this.client = client;
		this.codec = codec;
		this.replicaPosition = replicaPosition;
		this.shadowHold = shadowHold;
		this.work = work;
	}

	/** Runs one verification. */
	public Verification verify() throws IOException {
		long started = System.nanoTime();
		this.writeLockHeld = Duration.ZERO;
		clean();
		Files.createDirectories(this.work);
		try {
			return run(started);
		}
		finally {
			clean();
		}
	}

	private Verification run(long started) throws IOException {
		Position uploaded = this.replicaPosition.get();
		if (uploaded == null) {
			return skipped(started, null, "the replica holds nothing of this database yet");
		}
		Generation generation = uploaded.generation();
		if (this.client.snapshots(generation).isEmpty()) {
			return skipped(started, null, "generation " + generation + " has no snapshot yet");
		}
		// the state restored next is at or after this position: the shadow WAL from its
		// index on is applied after it
		this.shadowHold.holdFrom(uploaded.index());
		try {
			return compare(started, generation);
		}
		finally {
			this.shadowHold.release();
		}
	}

	private Verification compare(long started, Generation generation) throws IOException {
		Path restored = this.work.resolve("replica.db");
		RestoreResult result;
		try {
			result = Restorer.restoreFrom(List.of(new Restorer.Source(this.client, this.codec)),
					RestoreOptions.builder(restored).generation(generation).parallelism(4).build(),
					RestoreProgress.NONE);
		}
		catch (CorruptReplicaException ex) {
			return failed(started, null, ex.getMessage());
		}
		catch (NoBackupException ex) {
			return skipped(started, null, ex.getMessage());
		}
		catch (LitestreamException ex) {
			return failed(started, null, "the restore failed: " + ex.getMessage());
		}
		Position at = result.position();
		try (Connection live = open(this.database.options().path())) {
			live.setAutoCommit(false);
			Database.Pinned pin = this.database.pin(() -> {
				try (Statement statement = live.createStatement()) {
					statement.executeQuery("SELECT COUNT(1) FROM sqlite_master").close();
				}
			});
			Position pinned = pin.position();
			this.writeLockHeld = pin.writeLockHeld();
			if (!pinned.generation().equals(generation)) {
				return skipped(started, pinned, "the database went on in generation " + pinned.generation());
			}
			if (pinned.compareTo(at) < 0) {
				return failed(started, pinned, "the replica holds position " + at + ", after the database's " + pinned);
			}
			List<Path> wals = copyShadow(generation, at, pinned);
			if (wals == null) {
				return skipped(started, pinned, "the shadow WAL from " + at + " was released meanwhile");
			}
			Map<String, String> database = ContentDigest.of(live);
			live.rollback();
			for (Path wal : wals) {
				apply(restored, wal);
			}
			Map<String, String> replica;
			try (Connection connection = open(restored)) {
				replica = ContentDigest.of(connection);
			}
			if (!replica.equals(database)) {
				List<String> differing = new ArrayList<>();
				for (String table : database.keySet()) {
					if (!Objects.equals(database.get(table), replica.get(table))) {
						differing.add(table);
					}
				}
				for (String table : replica.keySet()) {
					if (!database.containsKey(table)) {
						differing.add(table);
					}
				}
				return failed(started, pinned, "the replica's state at " + pinned + " (restored to " + at
						+ " and the local WAL after it) differs from the database in " + String.join(", ", differing));
			}
			return new Verification(Outcome.SUCCESS, pinned, null, Duration.ofNanos(System.nanoTime() - started),
					this.writeLockHeld);
		}
		catch (SQLException ex) {
			throw new IOException(
					"Verification of " + this.client.location() + " could not read a database: " + ex.getMessage(), ex);
		}
	}

	private void clean() throws IOException {
		if (Files.exists(this.work)) {
			LocalFiles.deleteTree(this.work);
		}
	}

	/**
	 * The shadow WAL of each index from {@code from}'s to {@code to}'s, that of
	 * {@code to} up to its offset, as WAL files; null when one was released meanwhile.
	 */
	private @Nullable List<Path> copyShadow(Generation generation, Position from, Position to) throws IOException {
		List<Path> wals = new ArrayList<>();
		for (long index = from.index(); index <= to.index(); index++) {
			long length = (index == to.index()) ? to.offset() : this.database.shadowSize(generation, index);
			if (length < 0) {
				return null;
			}
			if (index == from.index() && length <= from.offset()) {
				continue;
			}
			Path wal = this.work.resolve("%08x.wal".formatted(index));
			try (InputStream in = this.database.openShadow(generation, index, 0, length)) {
				Files.copy(in, wal);
			}
			catch (IOException ex) {
				if (this.database.shadowSize(generation, index) < 0) {
					return null;
				}
				throw ex;
			}
			wals.add(wal);
		}
		return wals;
	}

	/** Lets SQLite recover {@code wal} into {@code database} and check it point in. */
	private static void apply(Path database, Path wal) throws IOException, SQLException {
		Files.deleteIfExists(SqliteFiles.shmPath(database));
		Files.copy(wal, SqliteFiles.walPath(database), StandardCopyOption.REPLACE_EXISTING);
		try (Connection connection = open(database); Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
		}
	}

	/** A connection that never creates the file; the verifier only reads through it. */
	private static Connection open(Path path) throws SQLException {
		SQLiteConfig config = new SQLiteConfig();
		config.resetOpenMode(SQLiteOpenMode.CREATE);
		config.setBusyTimeout(10_000);
		return config.createConnection("jdbc:sqlite:" + path);
	}

	/** Keeps the shadow WAL from an index on while a verification runs. */
	public interface ShadowHold {

		/** Keeps the shadow of {@code index} and after. */
		void holdFrom(long index);

		/** Lets the engine release it again. */
		void release();

	}

	private Verification skipped(long started, @Nullable Position position, String why) {
		return new Verification(Outcome.SKIPPED, position, why, Duration.ofNanos(System.nanoTime() - started),
				this.writeLockHeld);
	}

	private Verification failed(long started, @Nullable Position position, String problem) {
		return new Verification(Outcome.FAILURE, position, problem, Duration.ofNanos(System.nanoTime() - started),
				this.writeLockHeld);
	}

}
