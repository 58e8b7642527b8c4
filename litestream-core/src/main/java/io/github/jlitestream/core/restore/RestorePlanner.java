package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;
import org.jspecify.annotations.Nullable;

/**
 * Chooses what to restore from a replica's listing: the generation, the snapshot and the segments after it, and
 * checks the shape of the listing (every index present, each starting at offset 0).
 *
 * @since 0.1.0
 */
public final class RestorePlanner {

	private RestorePlanner() {
	}

	/**
	 * Plans a restore.
	 * @param client the replica
	 * @param generation the generation, or null for the latest (at {@code timestamp} when given)
	 * @param timestamp the time to restore to, or null
	 * @param index the last WAL index to restore, or null
	 * @return the plan, or empty when the replica has nothing that matches
	 */
	public static Optional<RestorePlan> plan(ReplicaClient client, @Nullable Generation generation,
			@Nullable Instant timestamp, @Nullable Long index) throws IOException {
		List<Candidate> candidates = new ArrayList<>();
		List<Generation> generations = (generation != null) ? List.of(generation) : client.generations();
		@Nullable Generation newestWithoutSnapshot = null;
		Instant newestWithoutSnapshotAt = Instant.MIN;
		for (Generation candidate : generations) {
			List<SnapshotInfo> snapshots = client.snapshots(candidate);
			List<WalSegmentInfo> segments = client.walSegments(candidate);
			if (snapshots.isEmpty()) {
				for (WalSegmentInfo segment : segments) {
					if (segment.createdAt().isAfter(newestWithoutSnapshotAt)) {
						newestWithoutSnapshotAt = segment.createdAt();
						newestWithoutSnapshot = candidate;
					}
				}
				continue;
			}
			Instant started = snapshots.stream().map(SnapshotInfo::createdAt).min(Comparator.naturalOrder()).get();
			if (timestamp != null && started.isAfter(timestamp)) {
				continue;
			}
			Instant updated = started;
			for (SnapshotInfo snapshot : snapshots) {
				updated = later(updated, snapshot.createdAt());
			}
			for (WalSegmentInfo segment : segments) {
				updated = later(updated, segment.createdAt());
			}
			candidates.add(new Candidate(candidate, snapshots, segments, started, updated));
		}
		// At a time: the generation that started last before it; otherwise the one changed last.
		Comparator<Candidate> order = (timestamp != null) ? Comparator.comparing(Candidate::started)
				: Comparator.comparing(Candidate::updated);
		Optional<Candidate> chosen = candidates.stream().max(order.thenComparing(Candidate::generation));
		if (timestamp == null && index == null && newestWithoutSnapshot != null
				&& (chosen.isEmpty() || newestWithoutSnapshotAt.isAfter(chosen.get().updated()))) {
			throw new CorruptReplicaException(ReplicaPaths.snapshotsDir(newestWithoutSnapshot) + "/",
					"generation " + newestWithoutSnapshot + " is the newest in the replica but has no snapshot "
							+ "(deleted, or its first snapshot is still being uploaded); restoring an older generation "
							+ "would lose its changes. Retry later, or name an older generation explicitly");
		}
		if (chosen.isEmpty()) {
			return Optional.empty();
		}
		return plan(chosen.get(), timestamp, index);
	}

	private static Optional<RestorePlan> plan(Candidate candidate, @Nullable Instant timestamp, @Nullable Long index) {
		SnapshotInfo snapshot = candidate.snapshots()
			.stream()
			.filter((s) -> (index == null || s.index() <= index)
					&& (timestamp == null || !s.createdAt().isAfter(timestamp)))
			.max(Comparator.comparingLong(SnapshotInfo::index))
			.orElse(null);
		if (snapshot == null) {
			return Optional.empty();
		}
		List<WalSegmentInfo> segments = new ArrayList<>();
		boolean cutShort = false;
		List<WalSegmentInfo> ordered = new ArrayList<>(candidate.segments());
		ordered.sort(WalSegmentInfo.BY_POSITION);
		for (WalSegmentInfo segment : ordered) {
			if (segment.index() < snapshot.index()) {
				continue;
			}
			if ((index != null && segment.index() > index)
					|| (timestamp != null && segment.createdAt().isAfter(timestamp))) {
				cutShort = true;
				break;
			}
			segments.add(segment);
		}
		checkShape(candidate.generation(), snapshot, segments);
		return Optional.of(new RestorePlan(candidate.generation(), snapshot, List.copyOf(segments), cutShort,
				candidate.updated()));
	}

	/** Every index from the snapshot's to the last must be there, each starting at offset 0. */
	private static void checkShape(Generation generation, SnapshotInfo snapshot, List<WalSegmentInfo> segments) {
		long expected = snapshot.index();
		long previousIndex = -1;
		for (WalSegmentInfo segment : segments) {
			if (segment.index() != previousIndex) {
				if (segment.index() != expected) {
					throw new CorruptReplicaException(ReplicaPaths.walDir(generation) + "/" + ReplicaPaths
						.walSegmentName(expected, 0), "missing: WAL index %08x has no segments, but index %08x does"
							.formatted(expected, segment.index()));
				}
				if (segment.offset() != 0) {
					throw new CorruptReplicaException(ReplicaPaths.walDir(generation) + "/" + ReplicaPaths
						.walSegmentName(segment.index(), 0), "missing: the first segment of WAL index %08x "
							.formatted(segment.index()) + "(the next one starts at offset " + segment.offset() + ")");
				}
				previousIndex = segment.index();
				expected = segment.index() + 1;
			}
		}
	}

	private static Instant later(Instant a, Instant b) {
		return b.isAfter(a) ? b : a;
	}

	private record Candidate(Generation generation, List<SnapshotInfo> snapshots, List<WalSegmentInfo> segments,
			Instant started, Instant updated) {
	}

}
