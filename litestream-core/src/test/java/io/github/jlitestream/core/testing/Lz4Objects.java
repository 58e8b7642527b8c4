package io.github.jlitestream.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;

/**
 * LZ4 objects, as Litestream writes them, for tests that do not care about compression:
 * the engine itself always names the compression, so these shortcuts live here rather
 * than on {@link ReplicaClient} and its vocabulary.
 */
public final class Lz4Objects {

	private Lz4Objects() {
	}

	/** Creates the LZ4 snapshot of {@code index}. */
	public static SnapshotInfo writeSnapshot(ReplicaClient client, Generation generation, long index,
			ObjectContent content) throws IOException {
		return client.writeSnapshot(generation, index, Compression.LZ4, content);
	}

	/** Creates the LZ4 WAL segment at {@code index} and {@code offset}. */
	public static WalSegmentInfo writeWalSegment(ReplicaClient client, Generation generation, long index, long offset,
			ObjectContent content) throws IOException {
		return client.writeWalSegment(generation, index, offset, Compression.LZ4, content);
	}

	/** Opens an LZ4 snapshot. */
	public static InputStream openSnapshot(ReplicaClient client, Generation generation, long index) throws IOException {
		return client.openSnapshot(generation, index, Compression.LZ4);
	}

	/** Opens an LZ4 WAL segment. */
	public static InputStream openWalSegment(ReplicaClient client, Generation generation, long index, long offset)
			throws IOException {
		return client.openWalSegment(generation, index, offset, Compression.LZ4);
	}

	/** The file name of an LZ4 snapshot, without directory. */
	public static String snapshotName(long index) {
		return ReplicaPaths.snapshotName(index, Compression.LZ4);
	}

	/** {@code generations/<generation>/snapshots/<index>.snapshot.lz4}. */
	public static String snapshotKey(Generation generation, long index) {
		return ReplicaPaths.snapshotKey(generation, index, Compression.LZ4);
	}

	/** {@code generations/<generation>/wal/<index>_<offset>.wal.lz4}. */
	public static String walSegmentKey(Generation generation, long index, long offset) {
		return ReplicaPaths.walSegmentKey(generation, index, offset, Compression.LZ4);
	}

	/** An LZ4 segment's name. */
	public static ReplicaPaths.SegmentName segmentName(long index, long offset) {
		return new ReplicaPaths.SegmentName(index, offset, Compression.LZ4);
	}

	/** An LZ4 segment, as a listing returns it. */
	public static WalSegmentInfo walSegment(Generation generation, long index, long offset, long size,
			Instant createdAt) {
		return new WalSegmentInfo(generation, index, offset, size, createdAt, Compression.LZ4);
	}

}
