package io.github.jlitestream.core.support;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.ForwardingReplicaClient;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;

/**
 * A store that fails on demand, as an unreachable store or a process killed in the middle
 * of an upload would: while {@link #down} is set every call throws;
 * {@link #failWritesAfter(int)} lets that many more uploads through and fails every one
 * after them without writing anything (what a kill during the upload leaves in an S3
 * bucket); {@link #refuseSnapshots} fails snapshot uploads only. What the store says of
 * its times ({@code listedTimeResolution}, {@code exactCreatedAt}) and {@code close} pass
 * through without faults.
 */
public final class FaultyReplicaClient extends ForwardingReplicaClient {

	/** Every call fails while set. */
	public volatile boolean down;

	/** Snapshot uploads fail ("snapshot refused") while set. */
	public volatile boolean refuseSnapshots;

	private final AtomicInteger writesLeft = new AtomicInteger(Integer.MAX_VALUE);

	private final AtomicInteger snapshotsWritten = new AtomicInteger();

	private final AtomicInteger segmentsWritten = new AtomicInteger();

	public FaultyReplicaClient(ReplicaClient delegate) {
		super(delegate);
	}

	/** Lets {@code count} more uploads through, then fails every upload. */
	public void failWritesAfter(int count) {
		this.writesLeft.set(count);
	}

	/** Lets every upload through again. */
	public void heal() {
		this.writesLeft.set(Integer.MAX_VALUE);
		this.down = false;
		this.refuseSnapshots = false;
	}

	public int snapshotsWritten() {
		return this.snapshotsWritten.get();
	}

	public int segmentsWritten() {
		return this.segmentsWritten.get();
	}

	private void check(String operation) throws IOException {
		if (this.down) {
			throw new IOException("store unreachable (injected) during " + operation);
		}
	}

	private void checkWrite(String key) throws IOException {
		check("write of " + key);
		if (this.writesLeft.getAndUpdate((left) -> (left == Integer.MAX_VALUE) ? left : Math.max(0, left - 1)) <= 0) {
			throw new IOException("upload of " + key + " failed (injected)");
		}
	}

	@Override
	public List<Generation> generations() throws IOException {
		check("list");
		return super.generations();
	}

	@Override
	public List<SnapshotInfo> snapshots(Generation generation) throws IOException {
		check("list");
		return super.snapshots(generation);
	}

	@Override
	public List<WalSegmentInfo> walSegments(Generation generation) throws IOException {
		check("list");
		return super.walSegments(generation);
	}

	@Override
	public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression, ObjectContent content)
			throws IOException {
		checkWrite("snapshot " + generation + "/" + index);
		if (this.refuseSnapshots) {
			throw new IOException("snapshot refused (injected)");
		}
		SnapshotInfo written = super.writeSnapshot(generation, index, compression, content);
		this.snapshotsWritten.incrementAndGet();
		return written;
	}

	@Override
	public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content) throws IOException {
		checkWrite("segment " + generation + "/" + index + ":" + offset);
		WalSegmentInfo written = super.writeWalSegment(generation, index, offset, compression, content);
		this.segmentsWritten.incrementAndGet();
		return written;
	}

	@Override
	public InputStream openSnapshot(Generation generation, long index, Compression compression) throws IOException {
		check("read");
		return super.openSnapshot(generation, index, compression);
	}

	@Override
	public InputStream openWalSegment(Generation generation, long index, long offset, Compression compression)
			throws IOException {
		check("read");
		return super.openWalSegment(generation, index, offset, compression);
	}

	@Override
	public void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException {
		check("delete");
		super.deleteSnapshots(snapshots);
	}

	@Override
	public void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException {
		check("delete");
		super.deleteWalSegments(segments);
	}

	@Override
	public void deleteGeneration(Generation generation) throws IOException {
		check("delete");
		super.deleteGeneration(generation);
	}

}
