package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.util.Deadline;
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

	/** Objects per delete request, each request a short wait for the uploads. */
	static final int CHUNK = 100;

	private final ReplicaClient client;

	Retention(ReplicaClient client) {
		this.client = client;
	}

	boolean hasSnapshotSince(Generation generation, Instant horizon) throws IOException {
		return this.client.snapshots(generation).stream().anyMatch((s) -> !s.createdAt().isBefore(horizon));
	}

	/** Deletes everything out of the window, however long it takes. */
	Deleted enforce(@Nullable Generation current, Instant horizon) throws IOException {
		return enforce(current, horizon, null);
	}

	/**
	 * Deletes what is out of the window, in requests of at most {@link #CHUNK} objects,
	 * until {@code slice} passes: a replica's uploads wait while it runs, and a long
	 * generation's tens of thousands of segments (or a slow store's deletes) held them
	 * for many seconds. The rest is left for the next call.
	 * @param slice when to stop and report the work unfinished, or null for no limit
	 */
	Deleted enforce(@Nullable Generation current, Instant horizon, @Nullable Deadline slice) throws IOException {
		Deleted deleted = new Deleted(0, 0, 0, true);
		for (Generation generation : this.client.generations()) {
			if (slice != null && slice.passed()) {
				return deleted.unfinished();
			}
			// listed right before its own deletes, not all up front, so that each listing
			// is as fresh as can be
			GenerationListing listing = GenerationListing.of(this.client, generation);
			Instant updatedAt = listing.updatedAt();
			// one listed empty (emptied since the generations were listed) goes as one
			// that is old
			if (!generation.equals(current) && (updatedAt == null || updatedAt.isBefore(horizon))) {
				// snapshots first: without one, no restore starts from the generation
				int snapshots = deleteInChunks(listing.snapshots(), this.client::deleteSnapshots, slice);
				int segments = (snapshots == listing.snapshots().size())
						? deleteInChunks(listing.segments(), this.client::deleteWalSegments, slice) : 0;
				// counted as one generation once it is gone
				if (snapshots < listing.snapshots().size() || segments < listing.segments().size()) {
					return deleted.unfinished();
				}
				this.client.deleteGeneration(generation);
				deleted = deleted.plus(1, 0, 0);
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
			int snapshots = deleteInChunks(oldSnapshots, this.client::deleteSnapshots, slice);
			int segments = (snapshots == oldSnapshots.size())
					? deleteInChunks(oldSegments, this.client::deleteWalSegments, slice) : 0;
			deleted = deleted.plus(0, snapshots, segments);
			if (snapshots < oldSnapshots.size() || segments < oldSegments.size()) {
				return deleted.unfinished();
			}
		}
		return deleted;
	}

	/**
	 * Deletes {@code objects} in order, {@link #CHUNK} per request, stopping once
	 * {@code slice} passed.
	 * @return how many were deleted
	 */
	private static <T> int deleteInChunks(List<T> objects, Delete<T> delete, @Nullable Deadline slice)
			throws IOException {
		int done = 0;
		while (done < objects.size()) {
			if (slice != null && slice.passed()) {
				return done;
			}
			int end = Math.min(objects.size(), done + CHUNK);
			delete.delete(new ArrayList<>(objects.subList(done, end)));
			done = end;
		}
		return done;
	}

	@FunctionalInterface
	private interface Delete<T> {

		void delete(Collection<T> objects) throws IOException;

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

	/**
	 * What a call deleted.
	 *
	 * @param finished whether everything out of the window is gone
	 */
	record Deleted(int generations, int snapshots, int segments, boolean finished) {

		Deleted plus(int generations, int snapshots, int segments) {
			return new Deleted(this.generations + generations, this.snapshots + snapshots, this.segments + segments,
					this.finished);
		}

		Deleted unfinished() {
			return new Deleted(this.generations, this.snapshots, this.segments, false);
		}

	}

}
