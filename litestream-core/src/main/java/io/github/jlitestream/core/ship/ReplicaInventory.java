package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaStorage;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import org.jspecify.annotations.Nullable;

/**
 * The accounting of what a replica's store holds: counted by a listing of the whole
 * store, kept current by the replica's uploads in between. Its updates are made under the
 * replica's lock; {@link #storage()} is read from any thread.
 */
final class ReplicaInventory {

	private final ReplicaClient client;

	/** What the store holds, from the last listing plus uploads since. */
	private volatile ReplicaStorage storage = ReplicaStorage.UNKNOWN;

	ReplicaInventory(ReplicaClient client) {
		this.client = client;
	}

	/** What the store holds, as of the last listing plus the uploads since. */
	ReplicaStorage storage() {
		return this.storage;
	}

	/**
	 * Forgets the counts, which the next sync lists again: another instance may have
	 * written the store.
	 */
	void invalidate() {
		ReplicaStorage last = this.storage;
		this.storage = new ReplicaStorage(last.bytes(), last.objects(), last.earliestRestorableAt(),
				last.latestRestorableAt(), last.latestSnapshotAt(), false, last.latestSnapshotBytes(),
				last.tailBytes());
	}

	/**
	 * Lists everything in the store to count what it holds and when its restorable window
	 * starts. Runs at the first sync and after each retention check; uploads keep the
	 * numbers current in between.
	 * @param current the database's current generation, whose newest snapshot is counted,
	 * or null
	 */
	ReplicaStorage reconcile(@Nullable Generation current) throws IOException {
		long bytes = 0;
		long objects = 0;
		Instant earliest = null;
		Instant newest = null;
		Instant currentSnapshot = null;
		long snapshotBytes = 0;
		long tailBytes = 0;
		for (GenerationListing listing : GenerationListing.list(this.client)) {
			bytes += listing.bytes();
			objects += listing.objects();
			earliest = earliest(earliest, listing.earliestSnapshotAt());
			newest = latest(newest, listing.updatedAt());
			if (listing.generation().equals(current)) {
				currentSnapshot = listing.latestSnapshotAt();
				SnapshotInfo latest = listing.snapshots()
					.stream()
					.max(Comparator.comparingLong(SnapshotInfo::index).thenComparing(SnapshotInfo::createdAt))
					.orElse(null);
				if (latest != null) {
					snapshotBytes = latest.size();
					tailBytes = listing.segments()
						.stream()
						.filter((segment) -> segment.index() >= latest.index())
						.mapToLong(WalSegmentInfo::size)
						.sum();
				}
			}
		}
		ReplicaStorage reconciled = new ReplicaStorage(bytes, objects, earliest, newest, currentSnapshot, true,
				snapshotBytes, tailBytes);
		this.storage = reconciled;
		return reconciled;
	}

	/** Counts a snapshot the replica wrote. */
	void added(SnapshotInfo written) {
		this.storage = this.storage.added(written.size(), written.createdAt(), true);
	}

	/** Counts a WAL segment the replica wrote. */
	void added(WalSegmentInfo written) {
		this.storage = this.storage.added(written.size(), written.createdAt(), false);
	}

	private static @Nullable Instant earliest(@Nullable Instant a, @Nullable Instant b) {
		return (a == null || (b != null && b.isBefore(a))) ? b : a;
	}

	private static @Nullable Instant latest(@Nullable Instant a, @Nullable Instant b) {
		return (a == null || (b != null && b.isAfter(a))) ? b : a;
	}

}
