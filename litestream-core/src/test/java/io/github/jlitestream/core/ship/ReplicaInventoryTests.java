package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.time.Instant;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaStorage;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.testing.InMemoryReplicaClient;
import io.github.jlitestream.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplicaInventory} on a store in memory: what a listing counts (every
 * generation's bytes and objects, the window from the oldest snapshot to the newest
 * object, the current generation's newest snapshot) and how the replica's uploads keep it
 * current until the next listing.
 */
class ReplicaInventoryTests {

	private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

	private final MutableClock clock = new MutableClock(T0);

	private final InMemoryReplicaClient client = new InMemoryReplicaClient(this.clock);

	private final ReplicaInventory inventory = new ReplicaInventory(this.client);

	/**
	 * Listed after the current one (generations list by id), so its snapshots come last.
	 */
	private final Generation old = new Generation("00000000000000bb");

	private final Generation current = new Generation("00000000000000aa");

	@Test
	void nothingIsKnownBeforeTheFirstListing() {
		assertThat(this.inventory.storage()).isEqualTo(ReplicaStorage.UNKNOWN);
		assertThat(this.inventory.storage().reconciled()).isFalse();
	}

	@Test
	void aListingCountsEveryGenerationAndTheWindow() throws IOException {
		snapshot(this.old, 0, T0, 100);
		segment(this.old, 0, T0.plusSeconds(10), 7);
		snapshot(this.current, 0, T0.plusSeconds(20), 200);
		segment(this.current, 0, T0.plusSeconds(30), 9);
		snapshot(this.current, 1, T0.plusSeconds(40), 300);
		segment(this.current, 1, T0.plusSeconds(50), 11);

		ReplicaStorage storage = this.inventory.reconcile(this.current);

		assertThat(storage)
			.isEqualTo(new ReplicaStorage(627, 6, T0, T0.plusSeconds(50), T0.plusSeconds(40), true, 300, 11));
		assertThat(this.inventory.storage()).isEqualTo(storage);
	}

	@Test
	void theNewestSnapshotCountedIsTheCurrentGenerationsOnly() throws IOException {
		snapshot(this.current, 0, T0, 10);
		snapshot(this.old, 0, T0.plusSeconds(60), 10);

		assertThat(this.inventory.reconcile(this.current).latestSnapshotAt()).isEqualTo(T0);
		assertThat(this.inventory.reconcile(null).latestSnapshotAt()).isNull();
	}

	@Test
	void segmentsWithoutASnapshotOpenNoWindow() throws IOException {
		segment(this.current, 0, T0, 5);

		ReplicaStorage storage = this.inventory.reconcile(this.current);

		assertThat(storage.earliestRestorableAt()).isNull();
		assertThat(storage.latestRestorableAt()).isEqualTo(T0);
		assertThat(storage.objects()).isEqualTo(1);
	}

	@Test
	void uploadsKeepTheCountCurrentUntilTheNextListing() throws IOException {
		snapshot(this.current, 0, T0, 100);
		this.inventory.reconcile(this.current);

		this.inventory.added(segment(this.current, 0, T0.plusSeconds(5), 20));
		this.inventory.added(snapshot(this.current, 1, T0.plusSeconds(9), 50));

		ReplicaStorage counted = this.inventory.storage();
		assertThat(counted)
			.isEqualTo(new ReplicaStorage(170, 3, T0, T0.plusSeconds(9), T0.plusSeconds(9), true, 50, 0));
		assertThat(this.inventory.reconcile(this.current)).isEqualTo(counted);
	}

	@Test
	void uploadsBeforeAnyListingCountButAreNotReconciled() throws IOException {
		this.inventory.added(snapshot(this.current, 0, T0, 100));

		assertThat(this.inventory.storage()).isEqualTo(new ReplicaStorage(100, 1, T0, T0, T0, false, 100, 0));
	}

	private SnapshotInfo snapshot(Generation generation, long index, Instant at, int size) throws IOException {
		this.clock.set(at);
		return this.client.writeSnapshot(generation, index, Compression.LZ4, ObjectContent.of(new byte[size]));
	}

	private WalSegmentInfo segment(Generation generation, long index, Instant at, int size) throws IOException {
		this.clock.set(at);
		return this.client.writeWalSegment(generation, index, 0, Compression.LZ4, ObjectContent.of(new byte[size]));
	}

}
