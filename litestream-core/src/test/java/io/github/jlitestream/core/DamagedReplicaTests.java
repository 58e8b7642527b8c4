package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Lz4Objects;
import io.github.jlitestream.core.testing.ReplicaDamage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Restore from damaged replicas fails with an error that names the object, and writes no
 * output.
 */
class DamagedReplicaTests {

	@TempDir
	Path dir;

	private Path replicaDir;

	private Harness harness;

	private Generation generation;

	private List<WalSegmentInfo> segments;

	/** The WAL index the damaged segments are counted from. */
	private static final long FIRST = 1;

	@BeforeEach
	void replicate() throws Exception {
		this.replicaDir = this.dir.resolve("replica");
		Files.createDirectories(this.dir.resolve("out"));
		this.harness = new Harness(this.dir.resolve("app.db"), new FileReplicaClient(this.replicaDir));
		ReplicaDamage.writeTwoIndexes(this.harness);
		this.generation = this.harness.database().position().generation();
		this.segments = this.harness.client().walSegments(this.generation);
		assertThat(this.segments.stream().filter((s) -> s.index() == FIRST)).hasSizeGreaterThan(3);
		this.harness.close();
	}

	@Test
	void flippedByteInSegment() throws Exception {
		WalSegmentInfo segment = segment(0, 2);
		ReplicaDamage.flipByteInSegment(file(segment), key(segment));
		assertRestoreFails(key(segment), "damaged");
	}

	@Test
	void truncatedSegment() throws Exception {
		WalSegmentInfo segment = segment(0, 1);
		ReplicaDamage.truncate(file(segment), 6);
		assertRestoreFails(key(segment), "damaged");
	}

	@Test
	void missingMiddleSegment() throws Exception {
		WalSegmentInfo missing = segment(0, 2);
		Files.delete(file(missing));
		assertRestoreFails(key(segment(0, 3)), "a segment is missing");
	}

	@Test
	void missingFirstSegmentOfAnIndex() throws Exception {
		Files.delete(file(segment(1, 0)));
		assertRestoreFails(Lz4Objects.walSegmentKey(this.generation, FIRST + 1, 0), "missing");
	}

	@Test
	void extraFrameAppended() throws Exception {
		WalSegmentInfo last = this.segments.get(this.segments.size() - 1);
		ReplicaDamage.appendFrame(file(last), key(last));
		assertRestoreFails(key(last), "invalid WAL frame");
	}

	@Test
	void frameContentAlteredAndReencoded() throws Exception {
		WalSegmentInfo segment = segment(0, 1);
		byte[] wal = ReplicaDamage.decode(file(segment), key(segment));
		wal[wal.length - 100] ^= 0x40;
		Files.write(file(segment), ReplicaDamage.encode(wal, key(segment)));
		assertRestoreFails(key(segment), "checksum mismatch");
	}

	@Test
	void dataAfterTheLz4Frame() throws Exception {
		WalSegmentInfo segment = segment(0, 1);
		Files.write(file(segment), new byte[] { 1, 2, 3 }, StandardOpenOption.APPEND);
		assertRestoreFails(key(segment), "after the LZ4 frame");
	}

	@Test
	void twoFramesInOneObject() throws Exception {
		WalSegmentInfo first = segment(0, 1);
		WalSegmentInfo second = segment(0, 2);
		byte[] joined = concat(Files.readAllBytes(file(first)), Files.readAllBytes(file(second)));
		Files.write(file(first), joined);
		Files.delete(file(second));
		assertRestoreFails(key(first), "after the LZ4 frame");
	}

	@Test
	void deletedSnapshot() throws Exception {
		ReplicaDamage.deleteSnapshots(this.replicaDir, this.generation);
		assertRestoreFails(ReplicaPaths.snapshotsDir(this.generation) + "/", "has no snapshot");
	}

	@Test
	void flippedByteInSnapshot() throws Exception {
		ReplicaDamage.flipByteInSnapshot(this.replicaDir.resolve(Lz4Objects.snapshotKey(this.generation, 0)));
		assertRestoreFails(Lz4Objects.snapshotKey(this.generation, 0), "damaged");
	}

	@Test
	void undamagedReplicaRestores() throws Exception {
		Path output = this.dir.resolve("out/restored.db");
		new Restorer(new Lz4FrameCodec()).restore(new FileReplicaClient(this.replicaDir), RestoreOptions.latest(output),
				RestoreProgress.NONE);
		assertThat(Sql.count(output, "t")).isEqualTo(10);
	}

	private void assertRestoreFails(String key, String problem) throws IOException {
		Path output = this.dir.resolve("out/restored.db");
		assertThatExceptionOfType(CorruptReplicaException.class)
			.isThrownBy(() -> new Restorer(new Lz4FrameCodec()).restore(new FileReplicaClient(this.replicaDir),
					RestoreOptions.latest(output), RestoreProgress.NONE))
			.satisfies((ex) -> assertThat(ex.objectKey()).isEqualTo(key))
			.withMessageContaining(key)
			.withMessageContaining(problem);
		try (Stream<Path> files = Files.list(this.dir.resolve("out"))) {
			assertThat(files).as("nothing written beside the output").isEmpty();
		}
	}

	private WalSegmentInfo segment(long index, int ordinal) {
		return this.segments.stream().filter((s) -> s.index() == FIRST + index).toList().get(ordinal);
	}

	private String key(WalSegmentInfo segment) {
		return Lz4Objects.walSegmentKey(segment.generation(), segment.index(), segment.offset());
	}

	private Path file(WalSegmentInfo segment) {
		return this.replicaDir.resolve(key(segment));
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] joined = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, joined, a.length, b.length);
		return joined;
	}

}
