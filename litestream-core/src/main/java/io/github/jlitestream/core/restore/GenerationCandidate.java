package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generation a restore could start from, with its listing and the times that order it
 * against the others.
 *
 * @param listing what the store listed of it
 * @param started the listed time of its first snapshot
 * @param startedExactly the exact time of its first snapshot when the planner already
 * knows it, else {@code started}
 * @param updated the listed time of its newest object
 */
record GenerationCandidate(GenerationListing listing, Instant started, Instant startedExactly, Instant updated) {

	// The planner's messages keep the logger they always had.
	private static final Logger logger = LoggerFactory.getLogger(RestorePlanner.class);

	/**
	 * The last generation in {@code order} (changed last; at a point in time, started
	 * last before it). Listed times within the store's resolution of each other cannot
	 * tell, and the random ids say nothing: generations follow one another, so the later
	 * is then the one whose first snapshot was created later, by the exact times their
	 * writers recorded. One known exact start after the other's listed time plus its
	 * resolution decides too. Otherwise the choice is refused rather than guessed: the
	 * other generation may hold the newest state.
	 */
	static Optional<GenerationCandidate> newest(ReplicaClient client, List<GenerationCandidate> candidates,
			Comparator<GenerationCandidate> order, Function<GenerationCandidate, Instant> listed) throws IOException {
		Optional<GenerationCandidate> byListing = candidates.stream()
			.max(order.thenComparing(GenerationCandidate::generation));
		if (byListing.isEmpty()) {
			return byListing;
		}
		GenerationCandidate best = byListing.get();
		List<GenerationCandidate> tied = candidates.stream()
			.filter((c) -> c != best && withinResolution(client, listed.apply(c), listed.apply(best)))
			.toList();
		GenerationCandidate winner = best;
		@Nullable Instant winnerStarted = tied.isEmpty() ? null : best.exactStart(client);
		for (GenerationCandidate other : tied) {
			@Nullable Instant otherStarted = other.exactStart(client);
			if (winnerStarted != null && otherStarted != null) {
				if (otherStarted.isAfter(winnerStarted)) {
					winner = other;
					winnerStarted = otherStarted;
				}
			}
			else if (winnerStarted != null && clearlyAfter(client, winnerStarted, listed.apply(other))) {
				continue;
			}
			else if (otherStarted != null && clearlyAfter(client, otherStarted, listed.apply(winner))) {
				winner = other;
				winnerStarted = otherStarted;
			}
			else {
				GenerationCandidate unknown = (otherStarted == null) ? other : winner;
				throw new CorruptReplicaException(ReplicaPaths.snapshotsDir(unknown.generation()) + "/",
						"generations " + winner.generation() + " and " + other.generation() + " are listed within "
								+ "the store's timestamp resolution ("
								+ client.listedTimeResolution(listed.apply(best)).toMillis() + " ms) of each other and "
								+ unknown.generation() + " records no exact time, so "
								+ "which one holds the state asked for cannot be told; name the generation to restore");
			}
		}
		if (winner != best) {
			logger.debug("generation {} chosen by its exact start, not {} by the listing", winner.generation(),
					best.generation());
		}
		return Optional.of(winner);
	}

	Generation generation() {
		return this.listing.generation();
	}

	List<SnapshotInfo> snapshots() {
		return this.listing.snapshots();
	}

	List<WalSegmentInfo> segments() {
		return this.listing.segments();
	}

	private static boolean clearlyAfter(ReplicaClient client, Instant exact, Instant listed) {
		return exact.isAfter(listed.plus(client.listedTimeResolution(listed)));
	}

	private static boolean withinResolution(ReplicaClient client, Instant a, Instant b) {
		Duration resolution = client.listedTimeResolution(a);
		Duration other = client.listedTimeResolution(b);
		Duration longest = (other.compareTo(resolution) > 0) ? other : resolution;
		return a.equals(b) || Duration.between(a, b).abs().compareTo(longest) < 0;
	}

	private @Nullable Instant exactStart(ReplicaClient client) throws IOException {
		SnapshotInfo first = this.listing.snapshots()
			.stream()
			.min(Comparator.comparing(SnapshotInfo::createdAt).thenComparingLong(SnapshotInfo::index))
			.orElseThrow();
		Optional<Instant> exact = client.exactCreatedAt(first);
		if (exact.isPresent()) {
			return exact.get();
		}
		return client.listedTimeResolution(first.createdAt()).isZero() ? first.createdAt() : null;
	}

}
