package io.github.jlitestream.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The storage seam of a replica: lists, writes, reads and deletes the objects of the
 * Litestream v0.3 layout ({@code generations/<generation>/snapshots/...} and
 * {@code .../wal/...}). Objects are stored as given: encoding (LZ4, encryption) happens
 * before a client sees them. Implementations are thread-safe.
 * <p>
 * Objects are created, never replaced: a write of a name that exists fails with a
 * {@link FileAlreadyExistsException} and leaves the stored object as it was. A late copy
 * of an upload that timed out (and was written again, longer, since) can then never
 * shorten what the store holds; the caller reads the store again to find out where it
 * stands. Only a delete frees a name.
 *
 * @since 0.1.0
 */
public interface ReplicaClient extends AutoCloseable {

	/** A short name of the kind of store, such as {@code file} or {@code s3}. */
	String type();

	/**
	 * A description of where the replica lives, without credentials, for logs and errors.
	 */
	String location();

	/** Lists the generations that hold at least one object, sorted by name. */
	List<Generation> generations() throws IOException;

	/**
	 * Lists the snapshots of a generation, sorted by index; empty when the generation
	 * does not exist.
	 */
	List<SnapshotInfo> snapshots(Generation generation) throws IOException;

	/**
	 * Lists the WAL segments of a generation, sorted by index and offset; empty when it
	 * does not exist.
	 */
	List<WalSegmentInfo> walSegments(Generation generation) throws IOException;

	/**
	 * Creates the snapshot of {@code index}, compressed as {@code compression} says.
	 * @throws FileAlreadyExistsException when that snapshot exists; its message names the
	 * object's key and the replica's {@link #location()}, and the stored snapshot is
	 * unchanged
	 */
	SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression, ObjectContent content)
			throws IOException;

	/**
	 * Creates the WAL segment at {@code index} and {@code offset}, compressed as
	 * {@code compression} says.
	 * @throws FileAlreadyExistsException when that segment exists; its message names the
	 * object's key and the replica's {@link #location()}, and the stored segment is
	 * unchanged
	 */
	WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content) throws IOException;

	/**
	 * Replaces the content of an existing WAL segment at once (a reader gets the old
	 * content or the new, never a part), recording {@code createdAt} as its creation
	 * time: compaction rewrites an index's first segment with the whole index, which
	 * stands for the time of the index's last commit, not the time of the rewrite.
	 * @throws UnsupportedOperationException when the store cannot (compaction is then
	 * refused)
	 */
	default WalSegmentInfo replaceWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content, Instant createdAt) throws IOException {
		throw new UnsupportedOperationException(
				"The " + type() + " store at " + location() + " cannot replace a WAL segment, which compaction needs");
	}

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

	/** Deletes snapshots; missing ones are ignored. */
	void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException;

	/** Deletes WAL segments; missing ones are ignored. */
	void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException;

	/** Deletes every object of a generation. */
	void deleteGeneration(Generation generation) throws IOException;

	/**
	 * How coarse a time in this store's listings is: an object listed at {@code listedAt}
	 * (the {@code createdAt} of {@link #snapshots} and {@link #walSegments}) was created
	 * before {@code listedAt} plus the returned duration. A point-in-time restore asks
	 * for the exact creation time of an object listed this close before its target, since
	 * the listing cannot tell whether it was created before or after it.
	 * @param listedAt a time from a listing of this store
	 * @return the resolution; {@link Duration#ZERO}, the default, when listed times are
	 * the creation times
	 */
	default Duration listedTimeResolution(Instant listedAt) {
		return Duration.ZERO;
	}

	/**
	 * The exact creation time its writer recorded with a snapshot, the {@code createdAt}
	 * that {@link #writeSnapshot} returned, when the store keeps one. This is one request
	 * per call.
	 * @return the time, or empty when the store keeps none (the default) or the object
	 * has none (written by Litestream, or by a version of this library that did not
	 * record it)
	 * @throws NoSuchFileException when the snapshot does not exist
	 */
	default Optional<Instant> exactCreatedAt(SnapshotInfo snapshot) throws IOException {
		return Optional.empty();
	}

	/**
	 * The exact creation time its writer recorded with a WAL segment, the
	 * {@code createdAt} that {@link #writeWalSegment} returned, when the store keeps one.
	 * This is one request per call.
	 * @return the time, or empty when the store keeps none (the default) or the object
	 * has none (written by Litestream, or by a version of this library that did not
	 * record it)
	 * @throws NoSuchFileException when the segment does not exist
	 */
	default Optional<Instant> exactCreatedAt(WalSegmentInfo segment) throws IOException {
		return Optional.empty();
	}

	/**
	 * Whether the store keeps a lease object ({@link #readLease()} and the calls after
	 * it): the record of the one instance that may write the replica. False by default.
	 */
	default boolean supportsLease() {
		return false;
	}

	/**
	 * Reads the replica's lease object, {@code lease} beside {@code generations/}
	 * (Litestream v0.3 lists only {@code generations/} and ignores it).
	 * @return the object, or empty when there is none
	 * @throws UnsupportedOperationException when the store keeps no lease
	 */
	default Optional<StoredLease> readLease() throws IOException {
		throw leaseUnsupported();
	}

	/**
	 * Creates the lease object if there is none, atomically.
	 * @return the stored object
	 * @throws FileAlreadyExistsException when one exists; it is unchanged
	 * @throws UnsupportedOperationException when the store keeps no lease
	 */
	default StoredLease createLease(byte[] content) throws IOException {
		throw leaseUnsupported();
	}

	/**
	 * Replaces the lease object if it is still {@code current}, atomically.
	 * @return the stored object
	 * @throws LeaseConflictException when it changed or was removed since; nothing is
	 * written
	 * @throws UnsupportedOperationException when the store keeps no lease
	 */
	default StoredLease replaceLease(StoredLease current, byte[] content) throws IOException {
		throw leaseUnsupported();
	}

	/**
	 * Checks that the store refuses a second create of the same key, on which the lease
	 * and the create-only objects rest; a store that ignores conditional writes fails it.
	 * Does nothing by default: stores that cannot ignore them need no check.
	 * @throws IOException naming the store and what to do when it replaced an object
	 */
	default void checkConditionalWrites() throws IOException {
	}

	private UnsupportedOperationException leaseUnsupported() {
		return new UnsupportedOperationException("The " + type() + " store at " + location() + " keeps no lease");
	}

	@Override
	default void close() throws IOException {
	}

}
