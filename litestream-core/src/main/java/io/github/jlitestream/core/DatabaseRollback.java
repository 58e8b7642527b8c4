package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.lease.LocalLock;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.rollback.RollbackIntent;
import io.github.jlitestream.core.rollback.StagedRollback;
import org.jspecify.annotations.Nullable;

/**
 * The rollbacks of one replicated database ({@link DatabaseReplication#rollback()}):
 * staged while the application runs, through the database's own verifying restore, and
 * applied at its next start, before anything opens the database, by
 * {@link StagedRollback}; the listener hears of each.
 *
 * @since 0.2.0
 */
public final class DatabaseRollback {

	private final Database database;

	private final Restore restore;

	private final ReplicationListener listener;

	private final Clock clock;

	private final String instance;

	private final Supplier<Optional<LocalLock.Holder>> localHolder;

	private final StagedRollback staged;

	/** The reason of the generation the next open starts, set by an applied rollback. */
	private volatile @Nullable String openGenerationReason;

	DatabaseRollback(Database database, Restore restore, ReplicationListener listener, Clock clock, String instance,
			Supplier<Optional<LocalLock.Holder>> localHolder) {
		this.database = database;
		this.restore = restore;
		this.listener = listener;
		this.clock = clock;
		this.instance = instance;
		this.localHolder = localHolder;
		this.staged = new StagedRollback(database.options().path(), clock);
	}

	/**
	 * Stages a rollback of the live database: the target is restored, verified as every
	 * restore is, into {@code .<file>-rollback/staged.db} beside it, then recorded
	 * durably; the live database and its replication are not touched. The next start
	 * applies it.
	 * @param target what was asked for, for the record and the new generation's reason
	 * @param requestedBy who asked
	 * @throws io.github.jlitestream.core.restore.NoBackupException when nothing matches
	 * the target
	 * @throws LitestreamException when a rollback is staged already
	 */
	public RollbackIntent stage(@Nullable Generation generation, @Nullable Instant timestamp, @Nullable Long index,
			int parallelism, String target, String requestedBy) throws IOException {
		this.staged.prepare();
		RestoreResult result;
		try {
			result = this.restore.run(RestoreOptions.builder(this.staged.stagedFile())
				.generation(generation)
				.timestamp(timestamp)
				.index(index)
				.parallelism(parallelism)
				.build(), RestoreProgress.NONE);
		}
		catch (IOException | RuntimeException ex) {
			Files.deleteIfExists(this.staged.stagedFile());
			throw ex;
		}
		RollbackIntent intent = this.staged.record(target, result, requestedBy);
		this.listener.onRollback(this.database.name(), "staged", target);
		return intent;
	}

	/**
	 * Cancels the staged rollback.
	 * @return what was cancelled, or empty when none was staged
	 */
	public Optional<RollbackIntent> cancel() throws IOException {
		Optional<RollbackIntent> cancelled = this.staged.cancel();
		cancelled.ifPresent((intent) -> this.listener.onRollback(this.database.name(), "cancelled", intent.target()));
		return cancelled;
	}

	/** The staged rollback, if one is. */
	public Optional<RollbackIntent> staged() throws IOException {
		return this.staged.staged();
	}

	/** The last rollback applied, if any. */
	public Optional<RollbackIntent> lastApplied() throws IOException {
		return this.staged.lastApplied();
	}

	/**
	 * Applies a staged rollback (or finishes one a crash interrupted) before anything
	 * opens the database: the live database is kept under a dated name beside it, the
	 * staged one takes its place, and replication starts a new generation whose reason
	 * names the target. Refused while another engine on this host replicates the database
	 * (the rollback stays staged).
	 * @return what was applied, or empty when nothing was staged
	 */
	public Optional<RollbackIntent> applyIfStaged() throws IOException {
		if (this.staged.staged().isEmpty()) {
			return Optional.empty();
		}
		Optional<LocalLock> lock = LocalLock.tryAcquire(this.database.options().metaPath(),
				LocalLock.Holder.thisProcess(this.instance, this.clock.instant()));
		if (lock.isEmpty()) {
			throw new LitestreamException("A rollback of " + this.database.options().path()
					+ " is staged, but another engine replicates the database ("
					+ this.localHolder.get().map(LocalLock.Holder::describe).orElse("unknown")
					+ "); stop it and start again: the rollback stays staged");
		}
		try {
			Optional<RollbackIntent> applied = this.staged.applyIfStaged();
			applied.ifPresent((intent) -> {
				this.openGenerationReason = intent.generationReason();
				this.listener.onRollback(this.database.name(), "applied", intent.target());
			});
			return applied;
		}
		finally {
			lock.get().close();
		}
	}

	/** The reason of the generation an applied rollback starts, once; null for none. */
	@Nullable String takeOpenGenerationReason() {
		String reason = this.openGenerationReason;
		this.openGenerationReason = null;
		return reason;
	}

	/** The database's restore, reporting to the listener. */
	@FunctionalInterface
	interface Restore {

		RestoreResult run(RestoreOptions options, RestoreProgress progress) throws IOException;

	}

}
