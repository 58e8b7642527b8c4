package io.github.jlitestream.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.jlitestream.core.testing.InMemoryReplicaClient;
import io.github.jlitestream.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounds of {@link GenerationListing}, on a store in memory whose objects are written
 * at exact instants.
 */
class GenerationListingTests {

	private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");

	private final MutableClock clock = new MutableClock(START);

	private final InMemoryReplicaClient client = new InMemoryReplicaClient(this.clock);

	private final Generation first = new Generation("00000000000000a1");

	private final Generation second = new Generation("00000000000000b2");

	@Test
	void boundsCountSnapshotsAndSegmentsAlike() throws Exception {
		// a segment listed before the generation's first snapshot (a store whose clock is
		// coarse, or an upload reordered): it bounds createdAt, not earliestSnapshotAt
		this.client.writeWalSegment(this.first, 0, 0, Compression.LZ4, content(5));
		this.clock.advance(Duration.ofSeconds(10));
		this.client.writeSnapshot(this.first, 0, Compression.LZ4, content(100));
		this.clock.advance(Duration.ofSeconds(10));
		this.client.writeSnapshot(this.first, 1, Compression.LZ4, content(50));
		this.clock.advance(Duration.ofSeconds(10));
		this.client.writeWalSegment(this.first, 1, 0, Compression.LZ4, content(7));

		GenerationListing listing = GenerationListing.of(this.client, this.first);

		assertThat(listing.generation()).isEqualTo(this.first);
		assertThat(listing.snapshots()).extracting(SnapshotInfo::index).containsExactly(0L, 1L);
		assertThat(listing.segments()).extracting(WalSegmentInfo::index).containsExactly(0L, 1L);
		assertThat(listing.createdAt()).isEqualTo(START);
		assertThat(listing.updatedAt()).isEqualTo(START.plusSeconds(30));
		assertThat(listing.earliestSnapshotAt()).isEqualTo(START.plusSeconds(10));
		assertThat(listing.latestSnapshotAt()).isEqualTo(START.plusSeconds(20));
		assertThat(listing.earliestSegmentAt()).isEqualTo(START);
		assertThat(listing.latestSegmentAt()).isEqualTo(START.plusSeconds(30));
		assertThat(listing.bytes()).isEqualTo(5 + 100 + 50 + 7);
		assertThat(listing.segmentBytes()).isEqualTo(5 + 7);
		assertThat(listing.objects()).isEqualTo(4);
	}

	@Test
	void aSnapshotNewerThanEverySegmentBoundsUpdatedAt() throws Exception {
		this.client.writeWalSegment(this.first, 0, 0, Compression.LZ4, content(5));
		this.clock.advance(Duration.ofSeconds(10));
		this.client.writeSnapshot(this.first, 1, Compression.LZ4, content(100));

		GenerationListing listing = GenerationListing.of(this.client, this.first);

		assertThat(listing.updatedAt()).isEqualTo(START.plusSeconds(10));
		assertThat(listing.createdAt()).isEqualTo(START);
		assertThat(listing.latestSegmentAt()).isEqualTo(START);
	}

	@Test
	void snapshotsOnlyHaveNoSegmentBounds() throws Exception {
		this.client.writeSnapshot(this.first, 0, Compression.LZ4, content(9));
		this.clock.advance(Duration.ofSeconds(10));
		this.client.writeSnapshot(this.first, 1, Compression.LZ4, content(4));

		GenerationListing listing = GenerationListing.of(this.client, this.first);

		assertThat(listing.createdAt()).isEqualTo(START);
		assertThat(listing.updatedAt()).isEqualTo(START.plusSeconds(10));
		assertThat(listing.earliestSegmentAt()).isNull();
		assertThat(listing.latestSegmentAt()).isNull();
		assertThat(listing.segmentBytes()).isZero();
		assertThat(listing.bytes()).isEqualTo(13);
	}

	@Test
	void anEmptyListingHasNoBounds() throws Exception {
		GenerationListing listing = GenerationListing.of(this.client, this.first);

		assertThat(listing.snapshots()).isEmpty();
		assertThat(listing.segments()).isEmpty();
		assertThat(listing.createdAt()).isNull();
		assertThat(listing.updatedAt()).isNull();
		assertThat(listing.earliestSnapshotAt()).isNull();
		assertThat(listing.latestSnapshotAt()).isNull();
		assertThat(listing.earliestSegmentAt()).isNull();
		assertThat(listing.latestSegmentAt()).isNull();
		assertThat(listing.bytes()).isZero();
		assertThat(listing.objects()).isZero();
	}

	@Test
	void segmentsOnlyHaveNoSnapshotBounds() throws Exception {
		this.client.writeWalSegment(this.first, 0, 0, Compression.LZ4, content(5));

		GenerationListing listing = GenerationListing.of(this.client, this.first);

		assertThat(listing.createdAt()).isEqualTo(START);
		assertThat(listing.earliestSnapshotAt()).isNull();
		assertThat(listing.latestSnapshotAt()).isNull();
	}

	@Test
	void listsEveryGenerationInTheStoresOrder() throws Exception {
		this.client.writeSnapshot(this.second, 0, Compression.LZ4, content(3));
		this.clock.advance(Duration.ofSeconds(1));
		this.client.writeSnapshot(this.first, 0, Compression.LZ4, content(4));
		this.client.writeWalSegment(this.first, 0, 0, Compression.LZ4, content(2));

		List<GenerationListing> listings = GenerationListing.list(this.client);

		assertThat(listings).extracting(GenerationListing::generation).containsExactly(this.first, this.second);
		assertThat(listings).extracting(GenerationListing::objects).containsExactly(2L, 1L);
		assertThat(listings).extracting(GenerationListing::bytes).containsExactly(6L, 3L);
		assertThat(listings.get(1).createdAt()).isEqualTo(START);
	}

	private static ObjectContent content(int length) {
		return ObjectContent.of(new byte[length]);
	}

}
