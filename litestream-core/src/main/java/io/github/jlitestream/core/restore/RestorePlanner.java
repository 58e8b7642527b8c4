package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.restore.TargetTime.Listed;
import io.github.jlitestream.core.restore.TargetTime.Verdict;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses what to restore from a replica's listing: the generation, the snapshot and the
 * segments after it, and checks the shape of the listing (every index present, each
 * starting at offset 0).
 * <p>
 * At a point in time, every object used was created at or before the target, so no commit
 * after it is restored. Listed times decide alone unless one is within the store's
 * resolution before the target; such an object is asked for its exact creation time, and
 * one without it is left out and the target rounded down ({@link RoundedDown}). A
 * generation's uploads are sequential in position order, so the segments listed within
 * the resolution are searched by halves: a restore asks for a few exact times, not one
 * per object.
 */
final class RestorePlanner {

	private static final Logger logger = LoggerFactory.getLogger(RestorePlanner.class);

	private RestorePlanner() {
	}

	/**
	 * Plans a restore.
	 * @param client the replica
	 * @param generation the generation, or null for the latest (at {@code timestamp} when
	 * given)
	 * @param timestamp the time to restore to, or null
	 * @param index the last WAL index to restore, or null
	 * @return the plan, or empty when the replica has nothing that matches
	 */
	static Optional<RestorePlan> plan(ReplicaClient client, @Nullable Generation generation,
			@Nullable Instant timestamp, @Nullable Long index) throws IOException {
		@Nullable TargetTime target = (timestamp != null) ? new TargetTime(client, timestamp) : null;
		List<GenerationCandidate> candidates = new ArrayList<>();
		List<Generation> generations = (generation != null) ? List.of(generation) : client.generations();
		@Nullable Generation newestWithoutSnapshot = null;
		Instant newestWithoutSnapshotAt = Instant.MIN;
		@Nullable SnapshotInfo uncertainStart = null;
		for (Generation candidate : generations) {
			GenerationListing listing = GenerationListing.of(client, candidate);
			if (listing.snapshots().isEmpty()) {
				Instant updated = listing.updatedAt();
				if (updated != null && updated.isAfter(newestWithoutSnapshotAt)) {
					newestWithoutSnapshotAt = updated;
					newestWithoutSnapshot = candidate;
				}
				continue;
			}
			SnapshotInfo first = listing.snapshots()
				.stream()
				.min(Comparator.comparing(SnapshotInfo::createdAt).thenComparingLong(SnapshotInfo::index))
				.get();
			Instant started = first.createdAt();
			Instant startedExactly = started;
			if (target != null) {
				Verdict verdict = target.verdict(first);
				if (verdict == Verdict.UNKNOWN
						&& (uncertainStart == null || first.createdAt().isAfter(uncertainStart.createdAt()))) {
					uncertainStart = first;
				}
				if (verdict != Verdict.BEFORE) {
					continue;
				}
				startedExactly = target.knownExact(ReplicaPaths.key(first)).orElse(started);
			}
			candidates.add(new GenerationCandidate(listing, started, startedExactly, listing.updatedAt()));
		}
		// At a time: the generation that started last before it (the store's clock first,
		// then the writer's within one listed second); otherwise the one changed last.
		Comparator<GenerationCandidate> order = (timestamp != null)
				? Comparator.comparing(GenerationCandidate::started).thenComparing(GenerationCandidate::startedExactly)
				: Comparator.comparing(GenerationCandidate::updated);
		Optional<GenerationCandidate> chosen = GenerationCandidate.newest(client, candidates, order,
				(timestamp == null) ? GenerationCandidate::updated : GenerationCandidate::started);
		if (timestamp == null && index == null && newestWithoutSnapshot != null
				&& (chosen.isEmpty() || newestWithoutSnapshotAt.isAfter(chosen.get().updated()))) {
			throw new CorruptReplicaException(ReplicaPaths.snapshotsDir(newestWithoutSnapshot) + "/",
					"generation " + newestWithoutSnapshot + " is the newest in the replica but has no snapshot "
							+ "(deleted, or its first snapshot is still being uploaded); restoring an older generation "
							+ "would lose its changes. Retry later, or name an older generation explicitly");
		}
		// A generation left out for want of an exact time rounds the target down if it
		// would have been chosen.
		@Nullable RoundedDown rounded = null;
		if (target != null && uncertainStart != null
				&& (chosen.isEmpty() || uncertainStart.createdAt().isAfter(chosen.get().started()))) {
			rounded = roundedDown(target, ReplicaPaths.key(uncertainStart), uncertainStart.createdAt());
		}
		if (chosen.isEmpty()) {
			if (rounded != null) {
				logger.warn(rounded.describe(target.target()));
			}
			return Optional.empty();
		}
		Optional<RestorePlan> plan = plan(chosen.get(), target, index, rounded);
		if (target != null) {
			logger.debug("planned restore of {} to {}: {} exact creation time(s) asked for", client.location(),
					target.target(), target.lookups());
		}
		return plan;
	}

	/**
	 * The target of {@code options}, as the end of a sentence that says no backup matches
	 * it.
	 */
	static String describeTarget(RestoreOptions options) {
		StringBuilder target = new StringBuilder();
		if (options.generation() != null) {
			target.append(" for generation ").append(options.generation());
		}
		if (options.timestamp() != null) {
			target.append(" at or before ").append(options.timestamp());
		}
		if (options.index() != null) {
			target.append(" up to WAL index %08x".formatted(options.index()));
		}
		return target.append(" (no generation with a snapshot)").toString();
	}

	private static Optional<RestorePlan> plan(GenerationCandidate candidate, @Nullable TargetTime target,
			@Nullable Long index, @Nullable RoundedDown generationRounded) throws IOException {
		List<SnapshotInfo> byIndex = new ArrayList<>(candidate.snapshots());
		byIndex.sort(Comparator.comparingLong(SnapshotInfo::index).reversed());
		SnapshotInfo snapshot = null;
		for (SnapshotInfo s : byIndex) {
			if ((index == null || s.index() <= index) && (target == null || target.verdict(s) == Verdict.BEFORE)) {
				snapshot = s;
				break;
			}
		}
		if (snapshot == null) {
			return Optional.empty();
		}
		List<WalSegmentInfo> ordered = new ArrayList<>();
		for (WalSegmentInfo segment : candidate.segments()) {
			if (segment.index() >= snapshot.index()) {
				ordered.add(segment);
			}
		}
		ordered.sort(WalSegmentInfo.BY_POSITION);
		boolean[] rewritten = rewritten(ordered);
		// The listing alone cuts at the first segment beyond the target index or stored
		// after the target time (a segment compaction rewrote was stored at the rewrite,
		// after the time it stands for: only its exact time decides).
		int end = ordered.size();
		for (int i = 0; i < ordered.size(); i++) {
			WalSegmentInfo segment = ordered.get(i);
			if ((index != null && segment.index() > index)
					|| (target != null && !rewritten[i] && target.listed(segment.createdAt()) == Listed.AFTER)) {
				end = i;
				break;
			}
		}
		@Nullable RoundedDown rounded = generationRounded;
		if (target != null) {
			// A segment was uploaded after every one before it, so all before one created
			// at or before the target were too, and all after one created after it were
			// too: between the last segment the listing puts before the target and the
			// cut, every segment is listed within the resolution and the boundary is
			// found by halves, asking for the exact times of a few.
			int lastBefore = -1;
			for (int i = 0; i < end; i++) {
				if (target.listed(ordered.get(i).createdAt()) == Listed.BEFORE) {
					lastBefore = i;
				}
			}
			int low = lastBefore + 1;
			int high = end;
			while (low < high) {
				int middle = (low + high) >>> 1;
				if (verdict(target, ordered.get(middle), rewritten[middle]) == Verdict.BEFORE) {
					low = middle + 1;
				}
				else {
					high = middle;
				}
			}
			if (low < end && rounded == null && verdict(target, ordered.get(low), rewritten[low]) == Verdict.UNKNOWN) {
				rounded = roundedDown(target, ReplicaPaths.key(ordered.get(low)), ordered.get(low).createdAt());
			}
			end = low;
		}
		List<WalSegmentInfo> segments = List.copyOf(ordered.subList(0, end));
		checkShape(candidate.generation(), snapshot, segments);
		return Optional.of(new RestorePlan(candidate.generation(), snapshot, segments, end < ordered.size(),
				candidate.updated(), rounded, (end < ordered.size()) ? ordered.get(end) : null));
	}

	/**
	 * Which segments compaction rewrote, from the listing alone: a generation's segments
	 * are stored in position order, so one listed after a segment of a later position was
	 * stored again since (a compacted index's first segment).
	 */
	private static boolean[] rewritten(List<WalSegmentInfo> ordered) {
		boolean[] rewritten = new boolean[ordered.size()];
		Instant earliestLater = Instant.MAX;
		for (int i = ordered.size() - 1; i >= 0; i--) {
			Instant listed = ordered.get(i).createdAt();
			rewritten[i] = listed.isAfter(earliestLater);
			if (listed.isBefore(earliestLater)) {
				earliestLater = listed;
			}
		}
		return rewritten;
	}

	/**
	 * Whether a segment was created at or before the target: a rewritten one by the exact
	 * time it records (its index's last commit), whatever its listed time says.
	 */
	private static Verdict verdict(TargetTime target, WalSegmentInfo segment, boolean rewritten) throws IOException {
		return rewritten ? target.exactVerdict(segment) : target.verdict(segment);
	}

	private static RoundedDown roundedDown(TargetTime target, String key, Instant listedAt) {
		return new RoundedDown(key, listedAt, target.resolution(listedAt));
	}

	/**
	 * Every index from the snapshot's to the last must be there, each starting at offset
	 * 0.
	 */
	private static void checkShape(Generation generation, SnapshotInfo snapshot, List<WalSegmentInfo> segments) {
		long expected = snapshot.index();
		long previousIndex = -1;
		for (WalSegmentInfo segment : segments) {
			if (segment.index() != previousIndex) {
				if (segment.index() != expected) {
					throw new CorruptReplicaException(
							ReplicaPaths.walDir(generation) + "/" + ReplicaPaths.walSegmentName(expected, 0),
							"missing: WAL index %08x has no segments, but index %08x does".formatted(expected,
									segment.index()));
				}
				if (segment.offset() != 0) {
					throw new CorruptReplicaException(
							ReplicaPaths.walDir(generation) + "/" + ReplicaPaths.walSegmentName(segment.index(), 0),
							"missing: the first segment of WAL index %08x ".formatted(segment.index())
									+ "(the next one starts at offset " + segment.offset() + ")");
				}
				previousIndex = segment.index();
				expected = segment.index() + 1;
			}
		}
	}

}
