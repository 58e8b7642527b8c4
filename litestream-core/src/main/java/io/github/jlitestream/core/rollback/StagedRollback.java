package io.github.jlitestream.core.rollback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.util.Failpoints;
import io.github.jlitestream.core.util.LocalFiles;
import io.github.jlitestream.core.util.SqliteFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The rollback of one database, kept in {@code .<file>-rollback/} beside it (the same
 * file system, so that the staged file moves into place atomically): {@code staged.db},
 * the verified restore of the target, and {@code intent.properties}, the durable record
 * that makes it a staged rollback (written after the staged file is complete, deleted
 * last).
 * <p>
 * Applying it, at a start before anything opens the database, goes in steps that a crash
 * can interrupt anywhere, each finished or redone at the following start, so the live
 * path always holds the old state or the new one, whole: the intent is marked
 * {@code applying} with the aside name; the live database's WAL is checkpointed into it
 * (so the file alone is its whole state) and its WAL and shared memory removed; the file
 * is hard-linked to the aside name (the live path still holds it); the staged file is
 * renamed over the live path (atomic); the intent is replaced by
 * {@code applied.properties}.
 */
public final class StagedRollback {

	/** Failpoints between the steps of applying, for the crash tests. */
	public static final String APPLY_MARKED = "rollback.apply.marked";

	public static final String APPLY_CHECKPOINTED = "rollback.apply.checkpointed";

	public static final String APPLY_LINKED = "rollback.apply.linked";

	public static final String APPLY_SWAPPED = "rollback.apply.swapped";

	private static final Logger logger = LoggerFactory.getLogger(StagedRollback.class);

	private static final DateTimeFormatter ASIDE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private final Path database;

	private final Path dir;

	private final Clock clock;

	public StagedRollback(Path database, Clock clock) {
		this.database = database.toAbsolutePath().normalize();
		this.dir = this.database.resolveSibling("." + this.database.getFileName() + "-rollback");
		this.clock = clock;
	}

	/** Where the target is restored to while staging. */
	public Path stagedFile() {
		return this.dir.resolve("staged.db");
	}

	private Path intentFile() {
		return this.dir.resolve("intent.properties");
	}

	private Path appliedFile() {
		return this.dir.resolve("applied.properties");
	}

	/** The staged rollback, if one is. */
	public Optional<RollbackIntent> staged() throws IOException {
		return RollbackIntent.read(intentFile());
	}

	/** The last rollback applied, if any. */
	public Optional<RollbackIntent> lastApplied() throws IOException {
		return RollbackIntent.read(appliedFile());
	}

	/**
	 * Prepares staging: the directory exists, no rollback is staged, no leftover staged
	 * file.
	 * @throws LitestreamException when a rollback is staged already
	 */
	public void prepare() throws IOException {
		Optional<RollbackIntent> staged = staged();
		if (staged.isPresent()) {
			throw new LitestreamException("A rollback to " + staged.get().target() + " is staged already (requested "
					+ staged.get().requestedAt() + " by " + staged.get().requestedBy() + "); cancel it first");
		}
		Files.createDirectories(this.dir);
		Files.deleteIfExists(stagedFile());
	}

	/**
	 * Records the staged file, restored and verified, as the rollback the next start
	 * applies.
	 * @param target what was asked for
	 * @param result the restore into {@link #stagedFile()}
	 * @param requestedBy who asked
	 */
	public RollbackIntent record(String target, RestoreResult result, String requestedBy) throws IOException {
		LocalFiles.force(stagedFile());
		RollbackIntent intent = new RollbackIntent(RollbackIntent.STAGED, target,
				result.position().generation().toString(), result.position().toString(), result.lastChangeAt(),
				this.clock.instant(), requestedBy, null);
		intent.write(intentFile());
		logger.info("rollback of {} to {} staged ({} at {}), requested by {}; it is applied at the next start",
				this.database, target, intent.position(), intent.lastChangeAt(), requestedBy);
		return intent;
	}

	/**
	 * Cancels the staged rollback: the intent first (then nothing applies it), the staged
	 * file after.
	 * @return what was cancelled, or empty when nothing was staged
	 * @throws LitestreamException when the rollback is being applied
	 */
	public Optional<RollbackIntent> cancel() throws IOException {
		Optional<RollbackIntent> staged = staged();
		if (staged.isPresent() && staged.get().state().equals(RollbackIntent.APPLYING)) {
			throw new LitestreamException(
					"The rollback to " + staged.get().target() + " is being applied; it finishes at the next start");
		}
		Files.deleteIfExists(intentFile());
		Files.deleteIfExists(stagedFile());
		staged.ifPresent((intent) -> logger.info("rollback of {} to {} cancelled", this.database, intent.target()));
		return staged;
	}

	/**
	 * Applies the staged rollback, or finishes one a crash interrupted; nothing may have
	 * the database open.
	 * @return what was applied, or empty when nothing was staged
	 */
	public Optional<RollbackIntent> applyIfStaged() throws IOException {
		Optional<RollbackIntent> found = staged();
		if (found.isEmpty()) {
			return Optional.empty();
		}
		RollbackIntent intent = found.get();
		if (intent.state().equals(RollbackIntent.STAGED)) {
			if (!Files.isRegularFile(stagedFile())) {
				throw new LitestreamException("The rollback to " + intent.target() + " is staged but its file "
						+ stagedFile() + " is missing; cancel it (delete " + this.dir + ") and stage it again");
			}
			intent = intent.applying(asidePath());
			intent.write(intentFile());
		}
		Failpoints.hitIo(APPLY_MARKED);
		Path aside = intent.aside();
		if (aside == null) {
			throw new LitestreamException("The rollback record " + intentFile() + " is applying but names no aside "
					+ "file; move " + this.database + " aside by hand and delete " + this.dir);
		}
		if (Files.exists(stagedFile())) {
			// the swap has not happened: the live path holds the old state
			if (Files.exists(this.database)) {
				checkpoint(this.database);
				Failpoints.hitIo(APPLY_CHECKPOINTED);
				if (!Files.exists(aside)) {
					Files.createLink(aside, this.database);
					LocalFiles.forceDirectory(aside.getParent());
				}
				Failpoints.hitIo(APPLY_LINKED);
			}
			Files.deleteIfExists(SqliteFiles.walPath(this.database));
			Files.deleteIfExists(SqliteFiles.shmPath(this.database));
			Files.move(stagedFile(), this.database, StandardCopyOption.ATOMIC_MOVE,
					StandardCopyOption.REPLACE_EXISTING);
			LocalFiles.forceDirectory(this.database.getParent());
		}
		Failpoints.hitIo(APPLY_SWAPPED);
		intent.write(appliedFile());
		Files.deleteIfExists(intentFile());
		logger.info("db {} rolled back to {} ({}); the database before it is kept as {}", this.database,
				intent.target(), intent.position(), Files.exists(aside) ? aside : "(none: there was no database)");
		return Optional.of(intent);
	}

	private Path asidePath() {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		return this.database.resolveSibling(this.database.getFileName() + ".before-rollback-" + ASIDE_TIME.format(now));
	}

	/**
	 * Moves every committed frame of the WAL into the database file and empties the WAL,
	 * so that the file alone holds the database's state.
	 */
	private static void checkpoint(Path database) throws IOException {
		if (!Files.exists(SqliteFiles.walPath(database))) {
			return;
		}
		SQLiteConfig config = new SQLiteConfig();
		config.resetOpenMode(SQLiteOpenMode.CREATE);
		config.setBusyTimeout(10_000);
		try (Connection connection = config.createConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			try (ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
				if (rs.next() && rs.getInt(1) != 0) {
					throw new LitestreamException("Cannot roll " + database + " back: another connection keeps its "
							+ "WAL from being checkpointed (busy); stop every process that has it open");
				}
			}
		}
		catch (SQLException ex) {
			throw new IOException("Cannot checkpoint " + database + " before the rollback: " + ex.getMessage(), ex);
		}
	}

}
