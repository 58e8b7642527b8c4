package io.github.jlitestream.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a replica's store holds: counted by a listing, kept current by uploads in between.
 *
 * @param bytes stored bytes, every generation
 * @param objects stored objects (snapshots and WAL segments)
 * @param earliestRestorableAt the oldest snapshot's time: the start of the point-in-time
 * restore window
 * @param latestRestorableAt the newest object's time: the end of the window
 * @param latestSnapshotAt the newest snapshot of the current generation
 * @param reconciled whether a listing has counted the store yet (false: only this
 * process's uploads count)
 * @param latestSnapshotBytes stored bytes of the current generation's newest snapshot
 * @param tailBytes stored bytes of the current generation's WAL segments a restore from
 * that snapshot downloads (its index and after)
 * @since 0.1.0
 */
public record ReplicaStorage(long bytes, long objects, @Nullable Instant earliestRestorableAt,
		@Nullable Instant latestRestorableAt, @Nullable Instant latestSnapshotAt, boolean reconciled,
		long latestSnapshotBytes, long tailBytes) {

	/** Nothing counted yet. */
	public static final ReplicaStorage UNKNOWN = new ReplicaStorage(0, 0, null, null, null, false, 0, 0);

	/** Storage without the sizes of the latest restore. */
	public ReplicaStorage(long bytes, long objects, @Nullable Instant earliestRestorableAt,
			@Nullable Instant latestRestorableAt, @Nullable Instant latestSnapshotAt, boolean reconciled) {
		this(bytes, objects, earliestRestorableAt, latestRestorableAt, latestSnapshotAt, reconciled, 0, 0);
	}

	/**
	 * Returns this storage with one more object of {@code size} bytes written at
	 * {@code at}.
	 */
	public ReplicaStorage added(long size, Instant at, boolean snapshot) {
		Instant earliest = (this.earliestRestorableAt == null && snapshot) ? at : this.earliestRestorableAt;
		Instant latestSnapshot = snapshot ? at : this.latestSnapshotAt;
		return new ReplicaStorage(this.bytes + size, this.objects + 1, earliest, at, latestSnapshot, this.reconciled,
				snapshot ? size : this.latestSnapshotBytes, snapshot ? 0 : this.tailBytes + size);
	}

}
