package io.github.jlitestream.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Receives the engine's events: metrics, health and logs hang off it. Every method has an
 * empty default and is called on the engine's threads, so implementations must be quick
 * and must not throw.
 *
 * @since 0.1.0
 */
public interface ReplicationListener {

	/** A listener that ignores everything. */
	ReplicationListener NONE = new ReplicationListener() {
	};

	/** Committed WAL bytes were copied into the shadow WAL. */
	default void onWalCopied(String database, long bytes) {
	}

	/** A checkpoint ran; {@code failure} is null on success. */
	default void onCheckpoint(String database, CheckpointMode mode, Duration duration, @Nullable Throwable failure) {
	}

	/** A new generation started, for {@code reason}. */
	default void onGenerationChange(String database, Generation generation, String reason) {
	}

	/** A replica sync ended; {@code failure} is null on success. */
	default void onSync(String database, String replica, Duration duration, @Nullable Throwable failure) {
	}

	/**
	 * A replica store operation ended: {@code put}, {@code get}, {@code list} or
	 * {@code delete}.
	 */
	default void onReplicaOperation(String database, String replica, String operation, long bytes, Duration duration,
			@Nullable Throwable failure) {
	}

	/** A snapshot was written ({@code failure} null) or failed. */
	default void onSnapshot(String database, String replica, long bytes, Duration duration,
			@Nullable Throwable failure) {
	}

	/**
	 * Retention deleted objects of a kind: {@code generation}, {@code snapshot} or
	 * {@code wal}.
	 */
	default void onRetentionDeleted(String database, String replica, String kind, int count) {
	}

	/**
	 * A compaction pass: {@code indexes} WAL indexes whose segments held
	 * {@code bytesBefore} bytes now stored in {@code bytesAfter}, and {@code deleted}
	 * segments they replaced deleted.
	 */
	default void onCompaction(String database, String replica, int indexes, long bytesBefore, long bytesAfter,
			int deleted) {
	}

	/**
	 * A round of one of the engine's threads ({@code thread} is its name) failed with
	 * something it did not expect, such as an {@link Error}; the thread goes on after a
	 * backoff.
	 */
	default void onThreadFailure(String database, String thread, Throwable failure) {
	}

	/** A restore ended; {@code failure} is null on success. */
	/**
	 * A scheduled verification of a replica ended.
	 * @param outcome {@code success}, {@code failure} or {@code skipped}
	 * @param problem what a failure found or why it was skipped; null on success
	 * @since 0.2.0
	 */
	default void onVerification(String database, String replica, String outcome, Duration duration,
			@Nullable String problem) {
	}

	/**
	 * A rollback of the database was staged, cancelled or applied.
	 * @param event {@code staged}, {@code cancelled} or {@code applied}
	 * @param target what it goes back to
	 * @since 0.2.0
	 */
	default void onRollback(String database, String event, String target) {
	}

	/** A restore of the database ended, with its failure or null. */
	default void onRestore(String database, long bytes, Duration duration, @Nullable Throwable failure) {
	}

}
