package io.github.jlitestream.core.restore;

import java.time.Instant;
import java.util.List;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import org.jspecify.annotations.Nullable;

/**
 * The objects a restore reads: a snapshot and the WAL segments after it, in order.
 *
 * @param generation the generation
 * @param snapshot the snapshot to start from
 * @param segments the segments to apply, ordered by index and offset
 * @param cutShort whether segments exist beyond the target (time or index), so the last
 * one may end inside a transaction that is not part of the target state
 * @param updatedAt the newest object time of the generation in the store
 * @param roundedDown why a point-in-time plan stops short of its target, or null when it
 * does not
 * @param firstExcluded the first segment beyond the target, or null when none is
 */
record RestorePlan(Generation generation, SnapshotInfo snapshot, List<WalSegmentInfo> segments, boolean cutShort,
		Instant updatedAt, @Nullable RoundedDown roundedDown, @Nullable WalSegmentInfo firstExcluded) {

	/** The store time of the newest object the restore uses. */
	Instant lastChangeAt() {
		// Not empty: it holds the snapshot.
		return new GenerationListing(this.generation, List.of(this.snapshot), this.segments).updatedAt();
	}

}
