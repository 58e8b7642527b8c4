package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.testing.InMemoryReplicaClient;
import io.github.jlitestream.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Retention} at exact instants, on a store in memory: what it deletes and what it
 * keeps so that a restore anywhere inside the window still works. (The SQLite-based
 * {@code RetentionTests} run it through a replica.)
 */
class RetentionPolicyTests {

	private static final Instant T0 = Instant.parse("2024-05-01T00:00:00Z");

	private static final Duration NANO = Duration.ofNanos(1);

	private final MutableClock clock = new MutableClock(T0);

	private final InMemoryReplicaClient client = new InMemoryReplicaClient(this.clock);

	private final Retention retention = new Retention(this.client);

	private final Generation old = new Generation("00000000000000aa");

	private final Generation current = new Generation("00000000000000bb");

	@Test
	void anotherGenerationGoesWholeOnceItsNewestObjectIsOlderThanTheWindow() throws Exception {
		snapshot(this.old, 0, T0);
		segment(this.old, 0, T0.plusSeconds(60));
		snapshot(this.current, 0, T0.plusSeconds(120));

		Retention.Deleted kept = this.retention.enforce(this.current, T0.plusSeconds(60));
		assertThat(this.client.generations()).containsExactly(this.old, this.current);
		assertThat(kept.generations()).isZero();

		Retention.Deleted deleted = this.retention.enforce(this.current, T0.plusSeconds(60).plus(NANO));
		assertThat(this.client.generations()).containsExactly(this.current);
		assertThat(deleted).isEqualTo(new Retention.Deleted(1, 0, 0, true));
	}

	@Test
	void aSegmentInsideTheWindowKeepsAnotherGenerationAlthoughItsSnapshotsAreOld() throws Exception {
		snapshot(this.old, 0, T0);
		segment(this.old, 0, T0.plusSeconds(100));

		Retention.Deleted deleted = this.retention.enforce(this.current, T0.plusSeconds(50));

		assertThat(deleted.generations()).isZero();
		assertThat(this.client.snapshots(this.old)).hasSize(1);
		assertThat(this.client.walSegments(this.old)).hasSize(1);
	}

	@Test
	void theCurrentGenerationNeverGoesWholeAndKeepsItsNewestSnapshot() throws Exception {
		snapshot(this.current, 0, T0);
		segment(this.current, 0, T0.plusSeconds(1));
		snapshot(this.current, 1, T0.plusSeconds(2));
		segment(this.current, 1, T0.plusSeconds(3));

		Retention.Deleted deleted = this.retention.enforce(this.current, T0.plus(Duration.ofDays(30)));

		assertThat(this.client.generations()).containsExactly(this.current);
		assertThat(this.client.snapshots(this.current)).extracting(SnapshotInfo::index).containsExactly(1L);
		assertThat(this.client.walSegments(this.current)).extracting(WalSegmentInfo::index).containsExactly(1L);
		assertThat(deleted).isEqualTo(new Retention.Deleted(0, 1, 1, true));
	}

	@Test
	void keepsTheNewestSnapshotAtTheHorizonAndEverythingFromItsIndexOn() throws Exception {
		history(this.current);

		Retention.Deleted deleted = this.retention.enforce(this.current, T0.plusSeconds(20));

		// snapshot 4 was taken exactly at the horizon: a restore to the window's start
		// begins there
		assertThat(this.client.snapshots(this.current)).extracting(SnapshotInfo::index).containsExactly(4L, 6L);
		assertThat(this.client.walSegments(this.current)).extracting(WalSegmentInfo::index).containsExactly(4L, 5L, 6L);
		assertThat(deleted).isEqualTo(new Retention.Deleted(0, 2, 4, true));
	}

	@Test
	void keepsTheSnapshotBeforeTheHorizonWhenNoneIsAtIt() throws Exception {
		history(this.current);

		Retention.Deleted deleted = this.retention.enforce(this.current, T0.plusSeconds(20).minus(NANO));

		assertThat(this.client.snapshots(this.current)).extracting(SnapshotInfo::index).containsExactly(2L, 4L, 6L);
		assertThat(this.client.walSegments(this.current)).extracting(WalSegmentInfo::index)
			.containsExactly(2L, 3L, 4L, 5L, 6L);
		assertThat(deleted).isEqualTo(new Retention.Deleted(0, 1, 2, true));
	}

	@Test
	void theSameRuleHoldsInAnotherGenerationThatIsKept() throws Exception {
		history(this.old);
		segment(this.old, 7, T0.plusSeconds(100));

		Retention.Deleted deleted = this.retention.enforce(this.current, T0.plusSeconds(20));

		assertThat(this.client.snapshots(this.old)).extracting(SnapshotInfo::index).containsExactly(4L, 6L);
		assertThat(deleted.generations()).isZero();
		assertThat(deleted.snapshots()).isEqualTo(2);
	}

	@Test
	void ofSnapshotsTakenAtTheSameInstantTheHigherIndexIsKept() throws Exception {
		snapshot(this.current, 1, T0);
		snapshot(this.current, 2, T0);
		segment(this.current, 1, T0);
		segment(this.current, 2, T0);

		this.retention.enforce(this.current, T0.plusSeconds(10));

		assertThat(this.client.snapshots(this.current)).extracting(SnapshotInfo::index).containsExactly(2L);
		assertThat(this.client.walSegments(this.current)).extracting(WalSegmentInfo::index).containsExactly(2L);
	}

	@Test
	void withEverySnapshotInsideTheWindowTheOldestIsKeptAndSegmentsBelowItGo() throws Exception {
		segment(this.current, 1, T0);
		segment(this.current, 2, T0.plusSeconds(1));
		snapshot(this.current, 5, T0.plusSeconds(40));
		snapshot(this.current, 3, T0.plusSeconds(30));
		segment(this.current, 3, T0.plusSeconds(31));

		Retention.Deleted deleted = this.retention.enforce(this.current, T0.plusSeconds(20));

		assertThat(this.client.snapshots(this.current)).extracting(SnapshotInfo::index).containsExactly(3L, 5L);
		assertThat(this.client.walSegments(this.current)).extracting(WalSegmentInfo::index).containsExactly(3L);
		assertThat(deleted).isEqualTo(new Retention.Deleted(0, 0, 2, true));
	}

	@Test
	void aGenerationWithoutSnapshotsKeepsItsSegments() throws Exception {
		segment(this.current, 0, T0);
		segment(this.current, 1, T0.plusSeconds(1));
		segment(this.old, 0, T0.plusSeconds(100));

		Retention.Deleted deleted = this.retention.enforce(this.current, T0.plusSeconds(50));

		assertThat(this.client.walSegments(this.current)).hasSize(2);
		assertThat(this.client.walSegments(this.old)).hasSize(1);
		assertThat(deleted).isEqualTo(new Retention.Deleted(0, 0, 0, true));
	}

	@Test
	void withoutACurrentGenerationEveryGenerationOlderThanTheWindowGoes() throws Exception {
		snapshot(this.old, 0, T0);
		snapshot(this.current, 0, T0.plusSeconds(10));

		Retention.Deleted deleted = this.retention.enforce(null, T0.plusSeconds(20));

		assertThat(this.client.generations()).isEmpty();
		assertThat(deleted.generations()).isEqualTo(2);
	}

	@Test
	void aSnapshotAtTheHorizonCountsAsInsideTheWindow() throws Exception {
		snapshot(this.current, 0, T0);
		snapshot(this.old, 0, T0.plusSeconds(100));

		assertThat(this.retention.hasSnapshotSince(this.current, T0)).isTrue();
		assertThat(this.retention.hasSnapshotSince(this.current, T0.plus(NANO))).isFalse();
		assertThat(this.retention.hasSnapshotSince(new Generation("00000000000000cc"), T0)).isFalse();
	}

	@Test
	void aSegmentInsideTheWindowIsNoSnapshotInIt() throws Exception {
		snapshot(this.current, 0, T0);
		segment(this.current, 0, T0.plusSeconds(100));

		assertThat(this.retention.hasSnapshotSince(this.current, T0.plusSeconds(50))).isFalse();
	}

	/**
	 * Snapshots 0, 2, 4 and 6 ten seconds apart from T0, and a segment of each index 0 to
	 * 6 after its snapshot.
	 */
	private void history(Generation generation) throws IOException {
		for (int index = 0; index <= 6; index++) {
			Instant at = T0.plusSeconds(5L * index);
			if (index % 2 == 0) {
				snapshot(generation, index, at);
			}
			segment(generation, index, at.plusMillis(1));
		}
	}

	private void snapshot(Generation generation, long index, Instant at) throws IOException {
		this.clock.set(at);
		this.client.writeSnapshot(generation, index, Compression.LZ4, ObjectContent.of(new byte[10]));
	}

	private void segment(Generation generation, long index, Instant at) throws IOException {
		this.clock.set(at);
		this.client.writeWalSegment(generation, index, 0, Compression.LZ4, ObjectContent.of(new byte[3]));
	}

}
