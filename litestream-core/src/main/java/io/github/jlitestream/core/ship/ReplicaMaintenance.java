package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.util.Deadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's jobs besides shipping: a snapshot on demand or on schedule, and retention.
 * Each runs under the replica's lock, as a sync does.
 */
final class ReplicaMaintenance {

	// The replica's messages keep the replica's logger.
	/**
	 * How long one retention call may delete while the replica's uploads wait (a WAL
	 * upload comes between two calls).
	 */
	static final Duration RETENTION_SLICE = Duration.ofSeconds(1);

	private static final Logger logger = LoggerFactory.getLogger(Replica.class);

	private final Replica replica;

	private final Database database;

	private final ReplicaClient client;

	private final ReplicaOptions options;

	private final Retention retention;

	private final ReentrantLock lock;

	private final LeaseGate gate;

	private final ReplicationListener listener;

	private final Clock clock;

	private final IndexCompaction compaction;

	ReplicaMaintenance(Replica replica, Database database, ReplicaClient client, ReplicaOptions options,
			Retention retention, ReentrantLock lock, LeaseGate gate, ReplicationListener listener, Clock clock) {
		this.replica = replica;
		this.database = database;
		this.client = client;
		this.options = options;
		this.retention = retention;
		this.lock = lock;
		this.gate = gate;
		this.listener = listener;
		this.clock = clock;
		this.compaction = new IndexCompaction(database.name(), options.name(), client, replica.codec(),
				options.compactionAge(), database.options().metaPath().resolve("tmp"), clock);
	}

	/**
	 * Writes a new snapshot. The database first moves to a new WAL index, so that an
	 * earlier snapshot is never overwritten; when readers keep it from moving and this
	 * index has a snapshot already, nothing is written.
	 * @return whether a snapshot was written
	 */
	boolean snapshot() throws IOException {
		this.gate.requireWritable(this.client.location());
		this.lock.lock();
		try {
			this.replica.sync();
			Position before = this.database.position();
			if (before == null) {
				return false;
			}
			this.database.checkpoint(CheckpointMode.RESTART);
			Position now = this.database.position();
			if (now != null && now.generation().equals(before.generation()) && now.index() == before.index()
					&& hasSnapshot(now.generation(), now.index())) {
				logger.warn(
						"db={} replica={} snapshot postponed: readers kept the WAL from moving to a new index, "
								+ "and index {} has a snapshot already",
						this.database.name(), this.options.name(), now.index());
				return false;
			}
			this.replica.sync();
			this.replica.writeSnapshotLocked(false);
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Deletes what falls out of the retention window, keeping everything a restore inside
	 * it needs, for at most {@link #RETENTION_SLICE} (uploads wait meanwhile).
	 * @return whether everything out of the window is gone; else the caller calls again
	 * soon, after an upload
	 */
	boolean enforceRetention() throws IOException {
		if (this.options.retention().isZero()) {
			return true;
		}
		this.gate.requireWritable(this.client.location());
		this.lock.lock();
		try {
			Position current = this.database.position();
			Instant horizon = this.clock.instant().minus(this.options.retention());
			if (current != null && !this.retention.hasSnapshotSince(current.generation(), horizon)) {
				snapshot();
			}
			Retention.Deleted deleted = this.retention.enforce((current != null) ? current.generation() : null, horizon,
					Deadline.in(RETENTION_SLICE));
			report("generation", deleted.generations());
			report("snapshot", deleted.snapshots());
			report("wal", deleted.segments());
			if (deleted.finished()) {
				this.replica.reconcile();
			}
			return deleted.finished();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Compacts or finishes at most one complete WAL index older than the compaction age
	 * (see {@link IndexCompaction}).
	 * @return whether another call may find more to do
	 */
	boolean compact() throws IOException {
		if (this.options.compactionAge().isZero()) {
			return false;
		}
		this.gate.requireWritable(this.client.location());
		this.lock.lock();
		try {
			IndexCompaction.Pass pass = this.compaction.run(this.replica.position());
			if (pass.compacted() > 0 || pass.deleted() > 0) {
				this.listener.onCompaction(this.database.name(), this.options.name(), pass.compacted(),
						pass.bytesBefore(), pass.bytesAfter(), pass.deleted());
				this.replica.reconcile();
			}
			return pass.more();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void report(String kind, int count) {
		if (count > 0) {
			this.listener.onRetentionDeleted(this.database.name(), this.options.name(), kind, count);
		}
	}

	private boolean hasSnapshot(Generation generation, long index) throws IOException {
		return this.client.snapshots(generation).stream().anyMatch((snapshot) -> snapshot.index() == index);
	}

}
