package io.github.jlitestream.core;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A replica client that passes every call on to another one, for a client that changes
 * some of them (reports them, or injects failures in tests), as
 * {@link java.io.FilterInputStream} does for streams. Each method of
 * {@link ReplicaClient} is forwarded, its default methods and {@link #close()} included,
 * so that wrapping a store does not hide what it says of its times
 * ({@link #listedTimeResolution}, {@link #exactCreatedAt}); a subclass overrides what it
 * changes and calls {@code super} for the rest. The LZ4 conveniences are not forwarded
 * but stay the interface's defaults: they call the methods that take a
 * {@link Compression}, so a subclass that overrides those sees every write and read.
 *
 * @since 0.1.0
 */
public abstract class ForwardingReplicaClient implements ReplicaClient {

	private final ReplicaClient delegate;

	/**
	 * Creates a client that forwards to {@code delegate}.
	 * @param delegate the client calls are passed on to
	 */
	protected ForwardingReplicaClient(ReplicaClient delegate) {
		this.delegate = delegate;
	}

	@Override
	public String type() {
		return this.delegate.type();
	}

	@Override
	public String location() {
		return this.delegate.location();
	}

	@Override
	public List<Generation> generations() throws IOException {
		return this.delegate.generations();
	}

	@Override
	public List<SnapshotInfo> snapshots(Generation generation) throws IOException {
		return this.delegate.snapshots(generation);
	}

	@Override
	public List<WalSegmentInfo> walSegments(Generation generation) throws IOException {
		return this.delegate.walSegments(generation);
	}

	@Override
	public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression, ObjectContent content)
			throws IOException {
		return this.delegate.writeSnapshot(generation, index, compression, content);
	}

	@Override
	public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content) throws IOException {
		return this.delegate.writeWalSegment(generation, index, offset, compression, content);
	}

	@Override
	public WalSegmentInfo replaceWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content, Instant createdAt) throws IOException {
		return this.delegate.replaceWalSegment(generation, index, offset, compression, content, createdAt);
	}

	@Override
	public InputStream openSnapshot(Generation generation, long index, Compression compression) throws IOException {
		return this.delegate.openSnapshot(generation, index, compression);
	}

	@Override
	public InputStream openWalSegment(Generation generation, long index, long offset, Compression compression)
			throws IOException {
		return this.delegate.openWalSegment(generation, index, offset, compression);
	}

	@Override
	public void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException {
		this.delegate.deleteSnapshots(snapshots);
	}

	@Override
	public void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException {
		this.delegate.deleteWalSegments(segments);
	}

	@Override
	public void deleteGeneration(Generation generation) throws IOException {
		this.delegate.deleteGeneration(generation);
	}

	@Override
	public Duration listedTimeResolution(Instant listedAt) {
		return this.delegate.listedTimeResolution(listedAt);
	}

	@Override
	public Optional<Instant> exactCreatedAt(SnapshotInfo snapshot) throws IOException {
		return this.delegate.exactCreatedAt(snapshot);
	}

	@Override
	public Optional<Instant> exactCreatedAt(WalSegmentInfo segment) throws IOException {
		return this.delegate.exactCreatedAt(segment);
	}

	@Override
	public boolean supportsLease() {
		return this.delegate.supportsLease();
	}

	@Override
	public Optional<StoredLease> readLease() throws IOException {
		return this.delegate.readLease();
	}

	@Override
	public StoredLease createLease(byte[] content) throws IOException {
		return this.delegate.createLease(content);
	}

	@Override
	public StoredLease replaceLease(StoredLease current, byte[] content) throws IOException {
		return this.delegate.replaceLease(current, content);
	}

	@Override
	public void checkConditionalWrites() throws IOException {
		this.delegate.checkConditionalWrites();
	}

	@Override
	public void close() throws IOException {
		this.delegate.close();
	}

}
