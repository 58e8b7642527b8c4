package io.github.jlitestream.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Collection;
import java.util.List;

/**
 * The storage seam of a replica: lists, writes, reads and deletes the objects of the Litestream v0.3 layout
 * ({@code generations/<generation>/snapshots/...} and {@code .../wal/...}). Objects are stored as given: encoding
 * (LZ4, encryption) happens before a client sees them. Implementations are thread-safe.
 * <p>
 * Objects are created, never replaced: a write of a name that exists fails with a
 * {@link FileAlreadyExistsException} and leaves the stored object as it was. A late copy of an upload that timed out
 * (and was written again, longer, since) can then never shorten what the store holds; the caller reads the store
 * again to find out where it stands. Only a delete frees a name.
 *
 * @since 0.1.0
 */
public interface ReplicaClient extends AutoCloseable {

	/** A short name of the kind of store, such as {@code file} or {@code s3}. */
	String type();

	/** A description of where the replica lives, without credentials, for logs and errors. */
	String location();

	/** Lists the generations that hold at least one object, sorted by name. */
	List<Generation> generations() throws IOException;

	/** Lists the snapshots of a generation, sorted by index; empty when the generation does not exist. */
	List<SnapshotInfo> snapshots(Generation generation) throws IOException;

	/** Lists the WAL segments of a generation, sorted by index and offset; empty when it does not exist. */
	List<WalSegmentInfo> walSegments(Generation generation) throws IOException;

	/**
	 * Creates the snapshot of {@code index}, compressed as {@code compression} says.
	 * @throws FileAlreadyExistsException when that snapshot exists; its message names the object's key and the
	 * replica's {@link #location()}, and the stored snapshot is unchanged
	 */
	SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression, ObjectContent content)
			throws IOException;

	/**
	 * Creates the WAL segment at {@code index} and {@code offset}, compressed as {@code compression} says.
	 * @throws FileAlreadyExistsException when that segment exists; its message names the object's key and the
	 * replica's {@link #location()}, and the stored segment is unchanged
	 */
	WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content) throws IOException;

	/**
	 * Opens a snapshot for reading.
	 * @throws NoSuchFileException when it does not exist
	 */
	InputStream openSnapshot(Generation generation, long index, Compression compression) throws IOException;

	/**
	 * Opens a WAL segment for reading.
	 * @throws NoSuchFileException when it does not exist
	 */
	InputStream openWalSegment(Generation generation, long index, long offset, Compression compression)
			throws IOException;

	/**
	 * Creates the LZ4 snapshot of {@code index}.
	 * @throws FileAlreadyExistsException when that snapshot exists
	 */
	default SnapshotInfo writeSnapshot(Generation generation, long index, ObjectContent content) throws IOException {
		return writeSnapshot(generation, index, Compression.LZ4, content);
	}

	/**
	 * Creates the LZ4 WAL segment at {@code index} and {@code offset}.
	 * @throws FileAlreadyExistsException when that segment exists
	 */
	default WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, ObjectContent content)
			throws IOException {
		return writeWalSegment(generation, index, offset, Compression.LZ4, content);
	}

	/** Opens an LZ4 snapshot. */
	default InputStream openSnapshot(Generation generation, long index) throws IOException {
		return openSnapshot(generation, index, Compression.LZ4);
	}

	/** Opens an LZ4 WAL segment. */
	default InputStream openWalSegment(Generation generation, long index, long offset) throws IOException {
		return openWalSegment(generation, index, offset, Compression.LZ4);
	}

	/** Deletes snapshots; missing ones are ignored. */
	void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException;

	/** Deletes WAL segments; missing ones are ignored. */
	void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException;

	/** Deletes every object of a generation. */
	void deleteGeneration(Generation generation) throws IOException;

	@Override
	default void close() throws IOException {
	}

}
