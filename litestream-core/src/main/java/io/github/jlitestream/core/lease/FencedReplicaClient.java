package io.github.jlitestream.core.lease;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.ForwardingReplicaClient;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;

/**
 * A replica's store as the engine writes it: every write and delete goes through only
 * while this instance holds the replica's lease ({@link ReplicaLease#mayWrite()}),
 * checked just before the request starts. Reads go through always.
 *
 * @since 0.1.0
 */
public final class FencedReplicaClient extends ForwardingReplicaClient {

	private final ReplicaLease lease;

	private final String replica;

	public FencedReplicaClient(ReplicaClient delegate, ReplicaLease lease, String replica) {
		super(delegate);
		this.lease = lease;
		this.replica = replica;
	}

	@Override
	public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression, ObjectContent content)
			throws IOException {
		fence();
		return super.writeSnapshot(generation, index, compression, content);
	}

	@Override
	public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content) throws IOException {
		fence();
		return super.writeWalSegment(generation, index, offset, compression, content);
	}

	@Override
	public WalSegmentInfo replaceWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content, Instant createdAt) throws IOException {
		fence();
		return super.replaceWalSegment(generation, index, offset, compression, content, createdAt);
	}

	@Override
	public void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException {
		fence();
		super.deleteSnapshots(snapshots);
	}

	@Override
	public void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException {
		fence();
		super.deleteWalSegments(segments);
	}

	@Override
	public void deleteGeneration(Generation generation) throws IOException {
		fence();
		super.deleteGeneration(generation);
	}

	private void fence() throws LeaseNotHeldException {
		if (!this.lease.mayWrite()) {
			LeaseRecord holder = this.lease.holder();
			throw new LeaseNotHeldException("Replica '" + this.replica + "' at " + location()
					+ " is not written: this instance does not hold its lease ("
					+ ((holder != null) ? "held by " + holder.describe() : "role " + this.lease.role()) + ")");
		}
	}

}
