package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.OptionalInt;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.util.Failpoints;
import io.github.jlitestream.core.util.LocalFiles;
import io.github.jlitestream.core.util.SqliteFiles;
import io.github.jlitestream.core.wal.InvalidWalException;
import io.github.jlitestream.core.wal.ShadowWal;
import io.github.jlitestream.core.wal.WalHeader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies committed WAL frames into the shadow WAL and decides, at each copy, whether the
 * WAL still continues what was copied before: the same lifetime, one restart (the next
 * WAL index) or neither, which starts a new generation. At open it picks up the local
 * generation when the WAL provably continues where its shadow ends. What it may accept
 * depends on the {@link ReadMark}, which it creates. Every method runs with
 * {@link Database}'s lock held.
 */
final class WalCopier {

	// Database's logger: the log categories that applications configured stay as they
	// were.
	private static final Logger logger = LoggerFactory.getLogger(Database.class);

	private final String name;

	private final DatabaseOptions options;

	private final ReplicationListener listener;

	private final Path walPath;

	private final LocalState local;

	private final CommitLog commits;

	private final ReadMark mark = new ReadMark(this);

	private final SpaceShortage space;

	private @Nullable Object fileKey;

	private CompanionFiles companions = CompanionFiles.NONE;

	private @Nullable Generation generation;

	private long walIndex;

	private @Nullable ShadowWal shadow;

	/**
	 * Set when a clean-shutdown record proved that the database did not change while the
	 * engine was stopped.
	 */
	private boolean resumedAfterCleanShutdown;

	private @Nullable String pendingGenerationReason = "no generation exists";

	private Instant lastChangeAt;

	/**
	 * The shadow WAL's size at the last passive checkpoint of its index (which backfilled
	 * that far).
	 */
	private long passiveBackfilledUpTo;

	WalCopier(String name, DatabaseOptions options, ReplicationListener listener, LocalState local, CommitLog commits,
			Instant createdAt) {
		this.name = name;
		this.options = options;
		this.listener = listener;
		this.walPath = SqliteFiles.walPath(options.path());
		this.local = local;
		this.commits = commits;
		this.lastChangeAt = createdAt;
		this.space = new SpaceShortage(options.metaPath());
	}

	/**
	 * The engine's read transaction, by which this copier judges a changed WAL header.
	 */
	ReadMark mark() {
		return this.mark;
	}

	/** The current position of the shadow WAL; null before the first copy. */
	@Nullable Position position() {
		return (this.generation != null && this.shadow != null)
				? new Position(this.generation, this.walIndex, this.shadow.size()) : null;
	}

	@Nullable Generation generation() {
		return this.generation;
	}

	long walIndex() {
		return this.walIndex;
	}

	@Nullable ShadowWal shadow() {
		return this.shadow;
	}

	ShadowWal requireShadow() {
		if (this.shadow == null) {
			throw new IllegalStateException("no shadow WAL");
		}
		return this.shadow;
	}

	/** When the engine last noticed a commit (or a new generation). */
	Instant lastChangeAt() {
		return this.lastChangeAt;
	}

	long passiveBackfilledUpTo() {
		return this.passiveBackfilledUpTo;
	}

	/** A passive checkpoint backfilled the current index's shadow WAL up to its end. */
	void passiveBackfilled() {
		this.passiveBackfilledUpTo = requireShadow().size();
	}

	/**
	 * Remembers the identity of the database file just opened: a copy that finds another
	 * file there stops.
	 */
	void expectFile(Object fileKey) {
		this.fileKey = fileKey;
	}

	/**
	 * Refuses to open a replacement of the database file while the {@code -wal} or
	 * {@code -shm} seen beside the replaced file is still there; once they are gone, the
	 * check is done (after the engine closed the replaced file, a new file may reuse
	 * their inode numbers).
	 */
	void requireNoCompanionsOfReplacedFile() throws IOException {
		CompanionFiles.requireNoneLeftFrom(this.companions, this.options.path());
		this.companions = CompanionFiles.NONE;
	}

	/** Makes the next copy start a new generation. */
	void startGenerationAtNextCopy(String reason) {
		this.pendingGenerationReason = reason;
	}

	/**
	 * Copies newly committed WAL frames into the shadow WAL, starting a new WAL index or
	 * generation when needed.
	 * @return whether the shadow WAL or the generation changed
	 */
	boolean copy(EngineConnections sql, Instant noticedAt) throws IOException, SQLException {
		checkFileIdentity();
		if (!Files.exists(this.walPath) || Files.size(this.walPath) < WalHeader.SIZE) {
			sql.forceWrite(false); // SQLite writes a WAL header with the first frame
		}
		try (FileChannel wal = FileChannel.open(this.walPath, StandardOpenOption.READ)) {
			WalHeader header = WalHeader.read(wal);
			String reason = this.pendingGenerationReason;
			long copied = 0;
			try {
				if (reason == null) {
					Continuation continued = copyContinuing(wal, header);
					reason = continued.newGenerationReason();
					copied = continued.bytes();
				}
				if (reason != null) {
					copied = startGeneration(wal, header, reason);
				}
			}
			catch (IOException ex) {
				if (LocalFiles.isNoSpace(ex)) {
					noSpace(sql, wal.size());
				}
				throw ex;
			}
			this.space.ended();
			boolean generationStarted = reason != null;
			if (copied > 0 || generationStarted) {
				this.lastChangeAt = noticedAt;
				recordCommit(noticedAt, generationStarted);
				this.listener.onWalCopied(this.name, copied);
				return true;
			}
			return false;
		}
	}

	/**
	 * After a copy the local state's disk refused for lack of space: keeps the read
	 * transaction, and so continuity, while the WAL not yet copied may still fit
	 * ({@link SpaceShortage}); otherwise ends the generation and lets SQLite checkpoint
	 * and restart the WAL, so that the next generation starts from a WAL that fits. The
	 * commits not copied are not lost: they reach the database file, and the next
	 * generation's snapshot.
	 */
	private void noSpace(EngineConnections sql, long walSize) throws IOException {
		if (this.pendingGenerationReason == null) {
			String reason = this.space.giveUpReason(walSize - requireShadow().size());
			if (reason == null) {
				return;
			}
			this.pendingGenerationReason = "local state disk full: " + reason;
			logger.warn(
					"db={} {}: generation={} ends at {}; the engine lets SQLite checkpoint the WAL, and the next "
							+ "generation starts with a snapshot once the WAL fits",
					this.name, reason, this.generation, position());
		}
		if (this.mark.frozen()) {
			return; // a snapshot reads the file that the read transaction holds still
		}
		try {
			// nothing left to protect: the next generation copies the WAL from its start
			this.mark.end(sql);
			if (sql.checkpointPassive().fullyBackfilled()) {
				sql.forceWrite(true);
			}
		}
		catch (SQLException ex) {
			logger.debug("db={} cannot checkpoint the WAL yet: {}", this.name, ex.getMessage());
		}
	}

	/**
	 * Copies frames within the current generation, or says why a new generation must
	 * start.
	 */
	private Continuation copyContinuing(FileChannel wal, WalHeader header) throws IOException {
		ShadowWal current = requireShadow();
		long copied = 0;
		long walSize = wal.size();
		if (header.equals(current.header())) {
			if (walSize < current.size()) {
				return Continuation.broken("wal truncated by another process");
			}
			if (!current.lastFrameMatches(wal)) {
				return Continuation.broken("wal overwritten by another process");
			}
			copied = current.copyFrom(wal);
			this.resumedAfterCleanShutdown = false;
			return new Continuation(copied, null);
		}
		OptionalInt restarts = header.restartsSince(current.header());
		if (this.resumedAfterCleanShutdown) {
			// The whole WAL was backfilled at the clean shutdown and the database file is
			// unchanged since, so any WAL now continues it: one created anew (random
			// salts) or restarted once. Restarted more often (an application truncating
			// the WAL twice) loses nothing either, but a restore cannot tell that from a
			// skipped lifetime, so the generation ends there.
			if (restarts.isPresent() && restarts.getAsInt() != 1) {
				return Continuation.broken("wal restarted " + restarts.getAsInt() + " times while not running");
			}
		}
		else {
			// Each restart gives the next header salt-1 one more (walRestartHdr). Two or
			// more mean restarts the engine did not see, which a restore cannot tell from
			// a skipped lifetime. A header that does not descend at all comes from a
			// connection that never restarted the WAL itself writing after another one's
			// TRUNCATE checkpoint (it draws new salts): with the mark held that can only
			// follow a lifetime copied whole, without it nothing proves what came
			// between.
			boolean next = restarts.isPresent() ? restarts.getAsInt() == 1 : this.mark.held();
			if (!next) {
				return Continuation
					.broken("wal restarted more than once, or created anew, while not observed (salt-1 %08x to %08x)"
						.formatted(current.header().salt1(), header.salt1()));
			}
			boolean tailIntact = walSize >= current.size() && current.lastFrameMatches(wal);
			if (tailIntact) {
				// frames of the old lifetime beyond the new ones, still in place
				Failpoints.hit(Failpoints.COPY_OLD_TAIL);
				copied += current.copyFrom(wal);
				if (!this.mark.held() && !current.lastFrameMatches(wal)) {
					// the new lifetime reached the old one's tail while it was being
					// copied: frames may be lost
					return Continuation.broken("wal overwritten by another process while its old lifetime was copied");
				}
			}
			else if (!this.mark.held()) {
				return Continuation.broken((current.size() <= WalHeader.SIZE) ? "wal header only, mismatched"
						: "wal overwritten by another process");
			}
		}
		if (this.walIndex + 1 > Position.MAX_INDEX) {
			return Continuation.broken("max index exceeded");
		}
		// The index advances only once its shadow WAL exists: after a failed creation (a
		// full disk) the next copy tries the same index again instead of skipping it,
		// which would leave the replica with a gap no restore can cross.
		Path next = this.local.shadowPath(this.generation, this.walIndex + 1);
		ShadowWal created;
		try {
			created = ShadowWal.create(next, header);
		}
		catch (IOException ex) {
			Files.deleteIfExists(next);
			throw ex;
		}
		this.resumedAfterCleanShutdown = false;
		this.walIndex++;
		this.shadow = created;
		this.passiveBackfilledUpTo = 0;
		copied += WalHeader.SIZE + created.copyFrom(wal);
		logger.debug("db={} WAL restarted, index={}", this.name, this.walIndex);
		return new Continuation(copied, null);
	}

	private long startGeneration(FileChannel wal, WalHeader header, String reason) throws IOException {
		Generation previous = this.generation;
		Generation next = Generation.random();
		long copied;
		ShadowWal created;
		try {
			created = ShadowWal.create(this.local.shadowPath(next, 0), header);
			copied = created.copyFrom(wal);
		}
		catch (IOException ex) {
			// a generation never started: its partial shadow WAL only takes space
			this.local.removeGeneration(next);
			if (previous != null && LocalFiles.isNoSpace(ex)) {
				makeRoomForNextGeneration(previous);
			}
			throw ex;
		}
		this.local.writeGenerationFile(next);
		adopt(next, 0, created);
		this.resumedAfterCleanShutdown = false;
		this.local.removeOtherGenerations(next);
		logger.info("db={} new generation={} reason=\"{}\" previous={}", this.name, next, reason, previous);
		this.listener.onGenerationChange(this.name, next, reason);
		return WalHeader.SIZE + copied;
	}

	/**
	 * The next generation's shadow WAL found no space: the ended generation's local state
	 * would otherwise hold that space for ever (only a started generation removes the
	 * others), and no generation could start again. Its commits not yet uploaded are in
	 * the database, so they reach the replica with the next generation's snapshot.
	 */
	private void makeRoomForNextGeneration(Generation ended) throws IOException {
		logger.warn("db={} no space for a new generation's shadow WAL: the local state of the ended generation={} "
				+ "is removed to make room; its commits not yet uploaded reach the replica with the next "
				+ "generation's snapshot", this.name, ended);
		this.local.removeGeneration(ended);
	}

	/**
	 * Picks up the local generation when the WAL provably continues where its shadow
	 * ends.
	 * @param file the engine's handle of the database file, for the clean-shutdown
	 * fingerprint
	 */
	void resumeGeneration(DatabaseFiles.Handle file) throws IOException {
		Generation saved = this.local.readGenerationFile();
		CleanShutdown shutdown = CleanShutdown.take(this.options.metaPath());
		if (saved == null) {
			this.pendingGenerationReason = "no generation exists";
			return;
		}
		long last = this.local.lastShadowIndex(saved);
		String reason = null;
		if (last < 0) {
			reason = "no shadow wal";
		}
		else if (!Files.exists(this.walPath) || Files.size(this.walPath) < WalHeader.SIZE) {
			reason = "wal missing at start";
			try {
				ShadowWal candidate = ShadowWal.open(this.local.shadowPath(saved, last));
				if (resumeAfterCleanShutdown(saved, last, candidate, shutdown, file)) {
					return;
				}
			}
			catch (InvalidWalException ex) {
				reason = "shadow wal unreadable: " + ex.getMessage();
			}
		}
		if (reason == null) {
			try (FileChannel wal = FileChannel.open(this.walPath, StandardOpenOption.READ)) {
				ShadowWal candidate = ShadowWal.open(this.local.shadowPath(saved, last));
				WalHeader header = WalHeader.read(wal);
				if (!header.equals(candidate.header())) {
					reason = "wal header changed while not running";
					if (resumeAfterCleanShutdown(saved, last, candidate, shutdown, file)) {
						return;
					}
				}
				else if (wal.size() < candidate.size() || !candidate.lastFrameMatches(wal)) {
					reason = "wal overwritten while not running";
				}
				else if (resumeAfterCleanShutdown(saved, last, candidate, shutdown, file)) {
					// The WAL lifetime the clean shutdown backfilled whole, and the
					// database
					// file unchanged since: frames appended to it since are copied as
					// usual, and a restart before the first copy (the engine's read mark
					// on
					// a wholly backfilled WAL blocks none) continues the generation.
					return;
				}
				else {
					adopt(saved, last, candidate);
					logger.info("db={} continuing generation={} at {}", this.name, saved, position());
					return;
				}
			}
			catch (InvalidWalException ex) {
				reason = "shadow wal unreadable: " + ex.getMessage();
			}
		}
		this.pendingGenerationReason = reason;
		logger.info("db={} cannot continue generation={}: {}", this.name, saved, reason);
	}

	/**
	 * Records where the copy stands and the database file's fingerprint, for
	 * {@link #resumeAfterCleanShutdown} at the next start; the whole WAL is backfilled,
	 * and the read transaction keeps the file as it is.
	 */
	void recordCleanShutdown(DatabaseFiles.Handle file) throws IOException {
		CleanShutdown.write(this.options.metaPath(), new CleanShutdown(requireGeneration(), this.walIndex,
				requireShadow().header(), CleanShutdown.fingerprint(this.options.path(), file)));
	}

	/**
	 * After a clean shutdown the whole WAL was backfilled under the write lock; if the
	 * database file is still the same (identity, size, modification time), whatever WAL
	 * exists now started after that and continues the generation as the next index.
	 */
	private boolean resumeAfterCleanShutdown(Generation saved, long last, ShadowWal candidate,
			@Nullable CleanShutdown shutdown, DatabaseFiles.Handle file) throws IOException {
		if (shutdown == null || !shutdown.generation().equals(saved) || shutdown.index() != last
				|| !shutdown.walHeader().equals(candidate.header())
				|| !shutdown.fingerprint().equals(CleanShutdown.fingerprint(this.options.path(), file))) {
			return false;
		}
		adopt(saved, last, candidate);
		this.resumedAfterCleanShutdown = true;
		logger.info("db={} continuing generation={} after a clean shutdown at {}", this.name, saved, position());
		return true;
	}

	/**
	 * Makes {@code current} the shadow WAL that copies continue, with nothing of it
	 * passively backfilled yet.
	 */
	private void adopt(Generation generation, long walIndex, ShadowWal current) {
		this.generation = generation;
		this.walIndex = walIndex;
		this.shadow = current;
		this.passiveBackfilledUpTo = 0;
		this.pendingGenerationReason = null;
	}

	private Generation requireGeneration() {
		if (this.generation == null) {
			throw new IllegalStateException("no generation");
		}
		return this.generation;
	}

	private void checkFileIdentity() throws IOException {
		Object key;
		try {
			key = DatabaseFiles.fileKey(this.options.path());
		}
		catch (NoSuchFileException ex) {
			throw new DatabaseReplacedException("Database file " + this.options.path() + " was deleted",
					"database file deleted");
		}
		if (!key.equals(this.fileKey)) {
			throw new DatabaseReplacedException("Database file " + this.options.path()
					+ " was replaced by another file; reopening it to start a new generation");
		}
		// seen beside the file the engine replicates, before any replacement
		this.companions = CompanionFiles.of(this.options.path());
	}

	private void recordCommit(Instant noticedAt, boolean generationStarted) {
		Position end = position();
		if (end != null) {
			this.commits.record(end, noticedAt, generationStarted);
		}
	}

	/**
	 * What a copy within the current generation did: the bytes it added to the shadow
	 * WAL, or why a new generation must start instead (which copies the WAL from its
	 * start, so those bytes do not count).
	 */
	private record Continuation(long bytes, @Nullable String newGenerationReason) {

		static Continuation broken(String reason) {
			return new Continuation(0, reason);
		}

	}

}
