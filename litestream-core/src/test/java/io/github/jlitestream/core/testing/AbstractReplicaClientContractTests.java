package io.github.jlitestream.core.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LeaseConflictException;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.StoredLease;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The behaviour every {@link ReplicaClient} must have. Run it by extending it with a
 * {@link #createClient()} that returns a client on an empty replica.
 */
public abstract class AbstractReplicaClientContractTests {

	protected ReplicaClient client;

	protected abstract ReplicaClient createClient() throws Exception;

	@BeforeEach
	void setUpClient() throws Exception {
		this.client = createClient();
	}

	@AfterEach
	void closeClient() throws Exception {
		this.client.close();
	}

	@Test
	void leaseIsCreatedOnlyWhereNoneExists() throws IOException {
		assertThat(this.client.supportsLease()).isTrue();
		assertThat(this.client.readLease()).isEmpty();
		StoredLease created = this.client.createLease(bytes("first"));
		assertThat(created.content()).isEqualTo(bytes("first"));
		assertThat(this.client.readLease()).hasValueSatisfying((read) -> {
			assertThat(read.content()).isEqualTo(bytes("first"));
			assertThat(read.version()).isEqualTo(created.version());
		});
		assertThatExceptionOfType(FileAlreadyExistsException.class)
			.isThrownBy(() -> this.client.createLease(bytes("second")));
		assertThat(this.client.readLease().get().content()).isEqualTo(bytes("first"));
		assertThat(this.client.generations()).isEmpty();
	}

	@Test
	void leaseIsReplacedOnlyFromTheVersionRead() throws IOException {
		StoredLease first = this.client.createLease(bytes("first"));
		StoredLease second = this.client.replaceLease(first, bytes("second"));
		assertThat(second.version()).isNotEqualTo(first.version());
		assertThat(this.client.readLease().get().content()).isEqualTo(bytes("second"));
		// a writer that read the first version lost the race: nothing is written
		assertThatExceptionOfType(LeaseConflictException.class)
			.isThrownBy(() -> this.client.replaceLease(first, bytes("stale")));
		assertThat(this.client.readLease().get().content()).isEqualTo(bytes("second"));
		StoredLease third = this.client.replaceLease(second, bytes("third"));
		assertThat(this.client.readLease().get().version()).isEqualTo(third.version());
	}

	@Test
	void conditionalWritesAreEnforced() throws IOException {
		this.client.checkConditionalWrites();
		assertThat(this.client.generations()).isEmpty();
		assertThat(this.client.readLease()).isEmpty();
	}

	@Test
	void emptyReplicaHasNothing() throws IOException {
		Generation generation = Generation.random();
		assertThat(this.client.generations()).isEmpty();
		assertThat(this.client.snapshots(generation)).isEmpty();
		assertThat(this.client.walSegments(generation)).isEmpty();
	}

	@Test
	void writesListsAndReadsSnapshots() throws IOException {
		Generation generation = Generation.random();
		byte[] data = randomBytes(10_000, 1);
		Instant before = Instant.now().minusSeconds(2);
		SnapshotInfo written = Lz4Objects.writeSnapshot(this.client, generation, 0x1a, ObjectContent.of(data));
		assertThat(written.index()).isEqualTo(0x1a);
		assertThat(written.size()).isEqualTo(data.length);

		List<SnapshotInfo> snapshots = this.client.snapshots(generation);
		assertThat(snapshots).singleElement().satisfies((snapshot) -> {
			assertThat(snapshot.generation()).isEqualTo(generation);
			assertThat(snapshot.index()).isEqualTo(0x1a);
			assertThat(snapshot.size()).isEqualTo(data.length);
			assertThat(snapshot.createdAt()).isAfter(before).isBefore(Instant.now().plusSeconds(2));
		});
		assertThat(readAll(Lz4Objects.openSnapshot(this.client, generation, 0x1a))).isEqualTo(data);
		assertThat(this.client.generations()).containsExactly(generation);
	}

	@Test
	void refusesToReplaceSnapshotOfSameIndex() throws IOException {
		Generation generation = Generation.random();
		Lz4Objects.writeSnapshot(this.client, generation, 3, ObjectContent.of(bytes("first")));
		assertThatExceptionOfType(FileAlreadyExistsException.class).isThrownBy(
				() -> Lz4Objects.writeSnapshot(this.client, generation, 3, ObjectContent.of(bytes("second, longer"))))
			.withMessageContaining(ReplicaPaths.snapshotKey(generation, 3, Compression.LZ4))
			.withMessageContaining(this.client.location());
		assertThat(this.client.snapshots(generation)).singleElement()
			.satisfies((snapshot) -> assertThat(snapshot.size()).isEqualTo(5));
		assertThat(readAll(Lz4Objects.openSnapshot(this.client, generation, 3))).isEqualTo(bytes("first"));
	}

	@Test
	void refusesToReplaceWalSegment() throws IOException {
		// A late copy of a shorter upload must not replace a longer segment written under
		// the same key since.
		Generation generation = Generation.random();
		byte[] longer = randomBytes(4_000, 5);
		Lz4Objects.writeWalSegment(this.client, generation, 2, 4152, ObjectContent.of(longer));
		assertThatExceptionOfType(FileAlreadyExistsException.class)
			.isThrownBy(() -> Lz4Objects.writeWalSegment(this.client, generation, 2, 4152,
					ObjectContent.of(Arrays.copyOf(longer, 100))))
			.withMessageContaining(ReplicaPaths.walSegmentKey(generation, 2, 4152, Compression.LZ4))
			.withMessageContaining(this.client.location());
		assertThatExceptionOfType(FileAlreadyExistsException.class)
			.isThrownBy(() -> Lz4Objects.writeWalSegment(this.client, generation, 2, 4152, ObjectContent.of(longer)));
		assertThat(this.client.walSegments(generation)).singleElement()
			.satisfies((segment) -> assertThat(segment.size()).isEqualTo(longer.length));
		assertThat(readAll(Lz4Objects.openWalSegment(this.client, generation, 2, 4152))).isEqualTo(longer);
	}

	@Test
	void replacesAWalSegmentAtOnceKeepingTheCreationTimeGiven() throws IOException {
		// compaction rewrites an index's first segment with the whole index, which stands
		// for the time of the index's last commit
		Generation generation = Generation.random();
		Lz4Objects.writeWalSegment(this.client, generation, 3, 0, ObjectContent.of(randomBytes(9_000, 7)));
		Instant createdAt = Instant.parse("2026-12-01T10:15:30.123456789Z");
		byte[] replacement = randomBytes(2_000, 8);
		WalSegmentInfo replaced = this.client.replaceWalSegment(generation, 3, 0, Compression.LZ4,
				ObjectContent.of(replacement), createdAt);
		assertThat(replaced.size()).isEqualTo(replacement.length);
		assertThat(readAll(Lz4Objects.openWalSegment(this.client, generation, 3, 0))).isEqualTo(replacement);
		WalSegmentInfo listed = this.client.walSegments(generation).get(0);
		assertThat(listed.size()).isEqualTo(replacement.length);
		// the store records the time given, or lists it
		Optional<Instant> exact = this.client.exactCreatedAt(listed);
		assertThat(exact.orElse(createdAt)).isEqualTo(createdAt);
		assertThat(exact.isPresent() || listed.createdAt().equals(createdAt)).as("listed %s", listed.createdAt())
			.isTrue();
	}

	@Test
	void writesSameIndexAgainAfterDelete() throws IOException {
		Generation generation = Generation.random();
		Lz4Objects.writeWalSegment(this.client, generation, 0, 0, ObjectContent.of(bytes("first")));
		Lz4Objects.writeSnapshot(this.client, generation, 0, ObjectContent.of(bytes("first")));
		this.client.deleteWalSegments(this.client.walSegments(generation));
		this.client.deleteSnapshots(this.client.snapshots(generation));
		Lz4Objects.writeWalSegment(this.client, generation, 0, 0, ObjectContent.of(bytes("second")));
		Lz4Objects.writeSnapshot(this.client, generation, 0, ObjectContent.of(bytes("second")));
		assertThat(readAll(Lz4Objects.openWalSegment(this.client, generation, 0, 0))).isEqualTo(bytes("second"));
		assertThat(readAll(Lz4Objects.openSnapshot(this.client, generation, 0))).isEqualTo(bytes("second"));
	}

	@Test
	void listsSnapshotsAndSegmentsInNumericOrder() throws IOException {
		Generation generation = Generation.random();
		for (long index : new long[] { 0x10, 0x2, 0xff, 0x0 }) {
			Lz4Objects.writeSnapshot(this.client, generation, index, ObjectContent.of(bytes("s" + index)));
		}
		Lz4Objects.writeWalSegment(this.client, generation, 2, 0x1000, ObjectContent.of(bytes("c")));
		Lz4Objects.writeWalSegment(this.client, generation, 10, 0, ObjectContent.of(bytes("d")));
		Lz4Objects.writeWalSegment(this.client, generation, 2, 0, ObjectContent.of(bytes("a")));
		Lz4Objects.writeWalSegment(this.client, generation, 2, 0x20, ObjectContent.of(bytes("b")));
		assertThat(this.client.snapshots(generation)).extracting(SnapshotInfo::index)
			.containsExactly(0L, 2L, 16L, 255L);
		assertThat(this.client.walSegments(generation)).extracting((s) -> s.index() + ":" + s.offset())
			.containsExactly("2:0", "2:32", "2:4096", "10:0");
	}

	@Test
	void writesAndReadsWalSegments() throws IOException {
		Generation generation = Generation.random();
		byte[] data = randomBytes(200_000, 2);
		WalSegmentInfo written = Lz4Objects.writeWalSegment(this.client, generation, 7, 4152, ObjectContent.of(data));
		assertThat(written.position().toString()).isEqualTo(generation + "/00000007:4152");
		assertThat(this.client.walSegments(generation)).singleElement().satisfies((segment) -> {
			assertThat(segment.index()).isEqualTo(7);
			assertThat(segment.offset()).isEqualTo(4152);
			assertThat(segment.size()).isEqualTo(data.length);
		});
		assertThat(readAll(Lz4Objects.openWalSegment(this.client, generation, 7, 4152))).isEqualTo(data);
	}

	@Test
	void keepsCompressionInObjectNames() throws IOException {
		Generation generation = Generation.random();
		this.client.writeSnapshot(generation, 1, Compression.ZSTD, ObjectContent.of(bytes("zstd snapshot")));
		this.client.writeWalSegment(generation, 1, 0, Compression.ZSTD, ObjectContent.of(bytes("zstd wal")));
		Lz4Objects.writeWalSegment(this.client, generation, 1, 8, ObjectContent.of(bytes("lz4 wal")));
		assertThat(this.client.snapshots(generation)).singleElement()
			.satisfies((s) -> assertThat(s.compression()).isEqualTo(Compression.ZSTD));
		assertThat(this.client.walSegments(generation)).extracting(WalSegmentInfo::compression)
			.containsExactly(Compression.ZSTD, Compression.LZ4);
		assertThat(readAll(this.client.openSnapshot(generation, 1, Compression.ZSTD)))
			.isEqualTo(bytes("zstd snapshot"));
		assertThat(readAll(this.client.openWalSegment(generation, 1, 0, Compression.ZSTD)))
			.isEqualTo(bytes("zstd wal"));
		assertThatExceptionOfType(NoSuchFileException.class)
			.isThrownBy(() -> Lz4Objects.openSnapshot(this.client, generation, 1));
		this.client.deleteWalSegments(this.client.walSegments(generation));
		this.client.deleteSnapshots(this.client.snapshots(generation));
		assertThat(this.client.walSegments(generation)).isEmpty();
		assertThat(this.client.snapshots(generation)).isEmpty();
	}

	@Test
	void writesEmptyObjects() throws IOException {
		Generation generation = Generation.random();
		Lz4Objects.writeWalSegment(this.client, generation, 0, 0, ObjectContent.of(new byte[0]));
		assertThat(readAll(Lz4Objects.openWalSegment(this.client, generation, 0, 0))).isEmpty();
	}

	@Test
	void openingMissingObjectsIsNoSuchFile() throws IOException {
		Generation generation = Generation.random();
		Lz4Objects.writeSnapshot(this.client, generation, 1, ObjectContent.of(bytes("x")));
		assertThatExceptionOfType(NoSuchFileException.class)
			.isThrownBy(() -> Lz4Objects.openSnapshot(this.client, generation, 2));
		assertThatExceptionOfType(NoSuchFileException.class)
			.isThrownBy(() -> Lz4Objects.openWalSegment(this.client, generation, 1, 0));
	}

	@Test
	void keepsGenerationsApart() throws IOException {
		Generation first = new Generation("0000000000000001");
		Generation second = new Generation("00000000000000ff");
		Lz4Objects.writeSnapshot(this.client, second, 0, ObjectContent.of(bytes("b")));
		Lz4Objects.writeSnapshot(this.client, first, 0, ObjectContent.of(bytes("a")));
		Lz4Objects.writeWalSegment(this.client, first, 0, 0, ObjectContent.of(bytes("wal")));
		assertThat(this.client.generations()).containsExactly(first, second);
		assertThat(this.client.walSegments(second)).isEmpty();
		assertThat(readAll(Lz4Objects.openSnapshot(this.client, second, 0))).isEqualTo(bytes("b"));
	}

	@Test
	void deletesSelectedObjects() throws IOException {
		Generation generation = Generation.random();
		for (int i = 0; i < 5; i++) {
			Lz4Objects.writeSnapshot(this.client, generation, i, ObjectContent.of(bytes("s" + i)));
			Lz4Objects.writeWalSegment(this.client, generation, i, 0, ObjectContent.of(bytes("w" + i)));
		}
		List<SnapshotInfo> snapshots = this.client.snapshots(generation);
		List<WalSegmentInfo> segments = this.client.walSegments(generation);
		this.client.deleteSnapshots(snapshots.subList(0, 3));
		this.client.deleteWalSegments(segments.subList(0, 2));
		// Deleting what is gone already is not an error.
		this.client.deleteWalSegments(segments.subList(0, 2));
		assertThat(this.client.snapshots(generation)).extracting(SnapshotInfo::index).containsExactly(3L, 4L);
		assertThat(this.client.walSegments(generation)).extracting(WalSegmentInfo::index).containsExactly(2L, 3L, 4L);
	}

	@Test
	void deletesManyObjectsInOneCall() throws IOException {
		Generation generation = Generation.random();
		for (int i = 0; i < 1_100; i++) {
			Lz4Objects.writeWalSegment(this.client, generation, 0, i * 32L, ObjectContent.of(new byte[] { (byte) i }));
		}
		List<WalSegmentInfo> segments = this.client.walSegments(generation);
		assertThat(segments).hasSize(1_100);
		this.client.deleteWalSegments(segments.subList(0, 1_050));
		assertThat(this.client.walSegments(generation)).hasSize(50);
	}

	@Test
	void deletesWholeGeneration() throws IOException {
		Generation doomed = Generation.random();
		Generation kept = Generation.random();
		Lz4Objects.writeSnapshot(this.client, doomed, 0, ObjectContent.of(bytes("a")));
		Lz4Objects.writeWalSegment(this.client, doomed, 0, 0, ObjectContent.of(bytes("b")));
		Lz4Objects.writeSnapshot(this.client, kept, 0, ObjectContent.of(bytes("c")));
		this.client.deleteGeneration(doomed);
		this.client.deleteGeneration(Generation.random());
		assertThat(this.client.generations()).containsExactly(kept);
		assertThat(this.client.snapshots(doomed)).isEmpty();
		assertThat(this.client.walSegments(doomed)).isEmpty();
	}

	@Test
	void rejectsContentOfWrongLength() {
		Generation generation = Generation.random();
		ObjectContent lying = new ObjectContent() {
			@Override
			public long length() {
				return 10;
			}

			@Override
			public InputStream open() {
				return new ByteArrayInputStream(new byte[4]);
			}
		};
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> Lz4Objects.writeWalSegment(this.client, generation, 0, 0, lying));
	}

	@Test
	void timestampsFollowWriteOrder() throws Exception {
		Generation generation = Generation.random();
		Lz4Objects.writeWalSegment(this.client, generation, 0, 0, ObjectContent.of(bytes("a")));
		Thread.sleep(1100);
		Lz4Objects.writeWalSegment(this.client, generation, 0, 1, ObjectContent.of(bytes("b")));
		List<WalSegmentInfo> segments = this.client.walSegments(generation);
		assertThat(segments.get(1).createdAt()).isAfter(segments.get(0).createdAt());
	}

	protected static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	protected static byte[] randomBytes(int size, long seed) {
		byte[] data = new byte[size];
		new Random(seed).nextBytes(data);
		return data;
	}

	protected static byte[] readAll(InputStream in) throws IOException {
		try (in) {
			return in.readAllBytes();
		}
	}

}
