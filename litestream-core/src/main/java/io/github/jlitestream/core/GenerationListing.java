package io.github.jlitestream.core;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a replica's store listed of one generation: its snapshots and WAL segments, with
 * the bounds that callers ask of a listing (Litestream's {@code GenerationTimeBounds}).
 * The bounds are computed from the lists on each call; every time is a listed time
 * ({@link SnapshotInfo#createdAt()}, {@link WalSegmentInfo#createdAt()}), as coarse as
 * the store's {@link ReplicaClient#listedTimeResolution(Instant) resolution}.
 *
 * @param generation the generation
 * @param snapshots its snapshots, in the order the store listed them (sorted by index)
 * @param segments its WAL segments, in the order the store listed them (sorted by index
 * and offset)
 * @since 0.1.0
 */
public record GenerationListing(Generation generation, List<SnapshotInfo> snapshots, List<WalSegmentInfo> segments) {

	public GenerationListing {
		Objects.requireNonNull(generation, "'generation' must not be null");
		snapshots = List.copyOf(snapshots);
		segments = List.copyOf(segments);
	}

	/**
	 * Lists one generation: its snapshots, then its segments, one listing call each.
	 * @param client the store
	 * @param generation the generation; one the store does not hold lists empty
	 * @return the listing
	 */
	public static GenerationListing of(ReplicaClient client, Generation generation) throws IOException {
		List<SnapshotInfo> snapshots = client.snapshots(generation);
		return new GenerationListing(generation, snapshots, client.walSegments(generation));
	}

	/**
	 * Lists every generation of a store, in the order of
	 * {@link ReplicaClient#generations()} (sorted by name), each as
	 * {@link #of(ReplicaClient, Generation)} lists it.
	 * @param client the store
	 * @return one listing per generation
	 */
	public static List<GenerationListing> list(ReplicaClient client) throws IOException {
		List<GenerationListing> listings = new ArrayList<>();
		for (Generation generation : client.generations()) {
			listings.add(of(client, generation));
		}
		return listings;
	}

	/**
	 * The earliest listed time of any of its objects, snapshots and segments alike: when
	 * the store first held something of the generation.
	 * @return the time, or null when the listing is empty
	 */
	public @Nullable Instant createdAt() {
		Instant segment = earliestSegmentAt();
		return (segment == null) ? earliestSnapshotAt() : earliest(earliestSnapshotAt(), segment);
	}

	/**
	 * The latest listed time of any of its objects, snapshots and segments alike: when
	 * the store last received something of the generation.
	 * @return the time, or null when the listing is empty
	 */
	public @Nullable Instant updatedAt() {
		Instant segment = latestSegmentAt();
		return (segment == null) ? latestSnapshotAt() : latest(latestSnapshotAt(), segment);
	}

	/**
	 * The earliest listed time of its snapshots; segments do not count.
	 * @return the time, or null when it has no snapshot
	 */
	public @Nullable Instant earliestSnapshotAt() {
		Instant earliest = null;
		for (SnapshotInfo snapshot : this.snapshots) {
			earliest = earliest(earliest, snapshot.createdAt());
		}
		return earliest;
	}

	/**
	 * The latest listed time of its snapshots; segments do not count.
	 * @return the time, or null when it has no snapshot
	 */
	public @Nullable Instant latestSnapshotAt() {
		Instant latest = null;
		for (SnapshotInfo snapshot : this.snapshots) {
			latest = latest(latest, snapshot.createdAt());
		}
		return latest;
	}

	/**
	 * The earliest listed time of its WAL segments; snapshots do not count.
	 * @return the time, or null when it has no segment
	 */
	public @Nullable Instant earliestSegmentAt() {
		Instant earliest = null;
		for (WalSegmentInfo segment : this.segments) {
			earliest = earliest(earliest, segment.createdAt());
		}
		return earliest;
	}

	/**
	 * The latest listed time of its WAL segments; snapshots do not count.
	 * @return the time, or null when it has no segment
	 */
	public @Nullable Instant latestSegmentAt() {
		Instant latest = null;
		for (WalSegmentInfo segment : this.segments) {
			latest = latest(latest, segment.createdAt());
		}
		return latest;
	}

	/** The stored (encoded) size of its snapshots and segments together, in bytes. */
	public long bytes() {
		long bytes = segmentBytes();
		for (SnapshotInfo snapshot : this.snapshots) {
			bytes += snapshot.size();
		}
		return bytes;
	}

	/** The stored (encoded) size of its WAL segments, in bytes. */
	public long segmentBytes() {
		long bytes = 0;
		for (WalSegmentInfo segment : this.segments) {
			bytes += segment.size();
		}
		return bytes;
	}

	/** The number of its objects: snapshots and segments. */
	public long objects() {
		return this.snapshots.size() + this.segments.size();
	}

	private static Instant earliest(@Nullable Instant a, Instant b) {
		return (a == null || b.isBefore(a)) ? b : a;
	}

	private static Instant latest(@Nullable Instant a, Instant b) {
		return (a == null || b.isAfter(a)) ? b : a;
	}

}
