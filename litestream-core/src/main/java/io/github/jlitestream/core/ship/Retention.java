package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import org.jspecify.annotations.Nullable;

/**
 * Decides what a replica may delete. A restore at any time inside the window needs the
 * newest snapshot taken at or before that time and every WAL segment from its index on,
 * so per generation the newest snapshot older than the window is kept along with
 * everything after it (v0.3.13 deletes that snapshot, making the start of the window
 * unrestorable). A generation other than the current one goes when its newest object is
 * older than the window.
 */
final class Retention {

	private final ReplicaClient client;

	Retention(ReplicaClient client) {
		this.client = client;
	}

	boolean hasSnapshotSince(Generation generation, Instant horizon) throws IOException {
		return this.client.snapshots(generation).stream().anyMatch((s) -> !s.createdAt().isBefore(horizon));
	}

	Deleted enforce(@Nullable Generation current, Instant horizon) throws IOException {
		int generations = 0;
		int snapshots = 0;
		int segments = 0;
		for (Generation generation : this.client.generations()) {
			// listed right before its own deletes, not all up front, so that each listing
			// is as fresh as can be
			GenerationListing listing = GenerationListing.of(this.client, generation);
			Instant updatedAt = listing.updatedAt();
			// one listed empty (emptied since the generations were listed) goes as one
			// that is old
			if (!generation.equals(current) && (updatedAt == null || updatedAt.isBefore(horizon))) {
				this.client.deleteGeneration(generation);
				generations++;
				continue;
			}
			SnapshotInfo keepFrom = oldestNeeded(listing.snapshots(), horizon);
			if (keepFrom == null) {
				// no snapshot: nothing in this generation can be restored without its
				// segments
				continue;
			}
			List<SnapshotInfo> oldSnapshots = new ArrayList<>();
			for (SnapshotInfo snapshot : listing.snapshots()) {
				if (snapshot.index() < keepFrom.index()) {
					oldSnapshots.add(snapshot);
				}
			}
			List<WalSegmentInfo> oldSegments = new ArrayList<>();
			for (WalSegmentInfo segment : listing.segments()) {
				if (segment.index() < keepFrom.index()) {
					oldSegments.add(segment);
				}
			}
			if (!oldSnapshots.isEmpty()) {
				this.client.deleteSnapshots(oldSnapshots);
				snapshots += oldSnapshots.size();
			}
			if (!oldSegments.isEmpty()) {
				this.client.deleteWalSegments(oldSegments);
				segments += oldSegments.size();
			}
		}
		return new Deleted(generations, snapshots, segments);
	}

	/** The newest snapshot at or before the horizon, else the oldest one after it. */
	private static @Nullable SnapshotInfo oldestNeeded(List<SnapshotInfo> snapshots, Instant horizon) {
		SnapshotInfo before = snapshots.stream()
			.filter((s) -> !s.createdAt().isAfter(horizon))
			.max(Comparator.comparing(SnapshotInfo::createdAt).thenComparingLong(SnapshotInfo::index))
			.orElse(null);
		if (before != null) {
			return before;
		}
		return snapshots.stream().min(Comparator.comparingLong(SnapshotInfo::index)).orElse(null);
	}

	record Deleted(int generations, int snapshots, int segments) {
	}

}
