package io.github.jlitestream.core.layout;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.testing.Lz4Objects;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ReplicaPaths}.
 */
class ReplicaPathsTests {

	private final Generation generation = new Generation("bbf980728f7fc3bc");

	@Test
	void formatsKeysAsLitestream() {
		assertThat(Lz4Objects.snapshotKey(this.generation, 1))
			.isEqualTo("generations/bbf980728f7fc3bc/snapshots/00000001.snapshot.lz4");
		assertThat(Lz4Objects.walSegmentKey(this.generation, 1, 4152))
			.isEqualTo("generations/bbf980728f7fc3bc/wal/00000001_00001038.wal.lz4");
	}

	@Test
	void parsesWhatItFormats() {
		assertThat(ReplicaPaths.parseSnapshotName(Lz4Objects.snapshotName(0x7fffffffL))).hasValue(0x7fffffffL);
		assertThat(ReplicaPaths.parseWalSegmentName(ReplicaPaths.walSegmentName(0xab, 0xffffffffL)))
			.hasValue(Lz4Objects.segmentName(0xab, 0xffffffffL));
	}

	@Test
	void ignoresOtherNames() {
		assertThat(ReplicaPaths.parseSnapshotName("00000001.snapshot.lz4.tmp")).isEmpty();
		assertThat(ReplicaPaths.parseSnapshotName("0000001.snapshot.lz4")).isEmpty();
		assertThat(ReplicaPaths.parseSnapshotName("0000000A.snapshot.lz4")).isEmpty();
		assertThat(ReplicaPaths.parseWalSegmentName("00000001.wal.lz4")).isEmpty();
		assertThat(ReplicaPaths.parseWalSegmentName("00000001_000000001.wal.lz4")).isEmpty();
	}

	@Test
	void refusesOffsetsTheFormatCannotHold() {
		assertThatIllegalArgumentException().isThrownBy(() -> ReplicaPaths.walSegmentName(0, 0x100000000L))
			.withMessageContaining("8 hex digits");
		assertThatIllegalArgumentException().isThrownBy(() -> Lz4Objects.snapshotName(0x80000000L));
	}

}
