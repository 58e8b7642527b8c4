package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.ForwardingReplicaClient;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import org.jspecify.annotations.Nullable;

/**
 * Reports every store operation of a replica to the listener, with its duration, bytes
 * and outcome. Failures pass through unchanged, the
 * {@link java.nio.file.FileAlreadyExistsException} of a write whose object exists
 * included (reported as a failed put).
 */
final class InstrumentedReplicaClient extends ForwardingReplicaClient {

	private final String database;

	private final String replica;

	private final ReplicationListener listener;

	InstrumentedReplicaClient(ReplicaClient delegate, String database, String replica, ReplicationListener listener) {
		super(delegate);
		this.database = database;
		this.replica = replica;
		this.listener = listener;
	}

	@Override
	public List<Generation> generations() throws IOException {
		return call("list", () -> super.generations(), (result) -> 0);
	}

	@Override
	public List<SnapshotInfo> snapshots(Generation generation) throws IOException {
		return call("list", () -> super.snapshots(generation), (result) -> 0);
	}

	@Override
	public List<WalSegmentInfo> walSegments(Generation generation) throws IOException {
		return call("list", () -> super.walSegments(generation), (result) -> 0);
	}

	@Override
	public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression, ObjectContent content)
			throws IOException {
		return call("put", () -> super.writeSnapshot(generation, index, compression, content),
				(result) -> result.size());
	}

	@Override
	public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content) throws IOException {
		return call("put", () -> super.writeWalSegment(generation, index, offset, compression, content),
				(result) -> result.size());
	}

	@Override
	public WalSegmentInfo replaceWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content, Instant createdAt) throws IOException {
		return call("put", () -> super.replaceWalSegment(generation, index, offset, compression, content, createdAt),
				(result) -> result.size());
	}

	@Override
	public InputStream openSnapshot(Generation generation, long index, Compression compression) throws IOException {
		return call("get", () -> super.openSnapshot(generation, index, compression), (result) -> 0);
	}

	@Override
	public InputStream openWalSegment(Generation generation, long index, long offset, Compression compression)
			throws IOException {
		return call("get", () -> super.openWalSegment(generation, index, offset, compression), (result) -> 0);
	}

	@Override
	public void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException {
		call("delete", () -> {
			super.deleteSnapshots(snapshots);
			return null;
		}, (result) -> 0);
	}

	@Override
	public void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException {
		call("delete", () -> {
			super.deleteWalSegments(segments);
			return null;
		}, (result) -> 0);
	}

	@Override
	public void deleteGeneration(Generation generation) throws IOException {
		call("delete", () -> {
			super.deleteGeneration(generation);
			return null;
		}, (result) -> 0);
	}

	// Reading an object's metadata is a read of the object, as stores bill it (S3 counts
	// HEAD among GETs).
	@Override
	public Optional<Instant> exactCreatedAt(SnapshotInfo snapshot) throws IOException {
		return call("get", () -> super.exactCreatedAt(snapshot), (result) -> 0);
	}

	@Override
	public Optional<Instant> exactCreatedAt(WalSegmentInfo segment) throws IOException {
		return call("get", () -> super.exactCreatedAt(segment), (result) -> 0);
	}

	private <T> T call(String operation, IoCall<T> call, ByteCount<T> bytes) throws IOException {
		long start = System.nanoTime();
		try {
			T result = call.run();
			this.listener.onReplicaOperation(this.database, this.replica, operation,
					(result != null) ? bytes.of(result) : 0, Duration.ofNanos(System.nanoTime() - start), null);
			return result;
		}
		catch (IOException | RuntimeException ex) {
			this.listener.onReplicaOperation(this.database, this.replica, operation, 0,
					Duration.ofNanos(System.nanoTime() - start), ex);
			throw ex;
		}
	}

	@FunctionalInterface
	private interface IoCall<T> {

		@Nullable T run() throws IOException;

	}

	@FunctionalInterface
	private interface ByteCount<T> {

		long of(T result);

	}

}
