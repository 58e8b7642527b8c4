package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.util.Locale;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.lease.LeaseNotHeldException;
import io.github.jlitestream.core.lease.LeaseRecord;
import io.github.jlitestream.core.lease.LeaseRole;
import io.github.jlitestream.core.lease.ReplicaLease;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a replica's lease decides for it: whether it may write now, whether it was taken
 * (again) since the replica last read the store, and how much shadow WAL it needs while
 * another instance writes. A replica without a lease is always writable.
 */
final class LeaseGate {

	// The replica's messages keep the replica's logger.
	private static final Logger logger = LoggerFactory.getLogger(Replica.class);

	private final @Nullable ReplicaLease lease;

	private final String replica;

	/** The lease's acquisitions when the replica last read the store. */
	private long acquisitions;

	/** The generation whose presence in the store a standby checked last, or null. */
	private volatile @Nullable Generation standbyGeneration;

	/** Whether the store holds {@link #standbyGeneration}. */
	private volatile boolean standbyGenerationStored;

	LeaseGate(@Nullable ReplicaLease lease, String replica) {
		this.lease = lease;
		this.replica = replica;
	}

	@Nullable ReplicaLease lease() {
		return this.lease;
	}

	boolean leased() {
		return this.lease != null;
	}

	boolean writable() {
		return this.lease == null || this.lease.mayWrite();
	}

	/**
	 * Refuses to start a sync, snapshot or retention run that this instance may not
	 * write: not a failure of the replica, which another instance writes.
	 */
	void requireWritable(String location) throws LeaseNotHeldException {
		ReplicaLease held = this.lease;
		if (held != null && !held.mayWrite()) {
			LeaseRecord holder = held.holder();
			throw new LeaseNotHeldException("Replica '" + this.replica + "' at " + location
					+ " is not written by this instance (" + held.role().name().toLowerCase(Locale.ROOT)
					+ ((holder != null) ? ": its lease is held by " + holder.describe() : "") + ")");
		}
	}

	/**
	 * Whether the lease was taken (again) since the last call: another instance may have
	 * written the store meanwhile, so the replica reads it again.
	 */
	boolean takenSinceLastLook() {
		if (this.lease == null || this.lease.acquisitions() == this.acquisitions) {
			return false;
		}
		this.acquisitions = this.lease.acquisitions();
		return true;
	}

	/**
	 * Says why a takeover from an instance with another database goes on from a new
	 * snapshot in this database's own generation.
	 */
	void logTakeover(Database database, Generation generation) {
		LeaseRecord previous = (this.lease != null) ? this.lease.takenOverFrom() : null;
		if (previous != null && !previous.database().equals(database.options().path().toAbsolutePath().toString())) {
			logger.info("db={} replica={} was written by another database ({}); this one is not its continuation, so "
					+ "it goes on in generation {} from a new snapshot, and the older generations stay restorable "
					+ "by id", database.name(), this.replica, previous.database(), generation);
		}
	}

	/**
	 * Whether the last acquisition replaced the lease of an engine of another local
	 * directory, whose writes this instance cannot check against its local state.
	 */
	boolean takenOverFromAnotherDirectory() {
		return this.lease != null && this.lease.takenOverFromAnotherDirectory();
	}

	/**
	 * Whether none of {@code generation}'s shadow WAL is needed: another instance writes
	 * the replica, which holds nothing of that generation, so taking over starts from a
	 * new snapshot.
	 */
	boolean needsNoShadow(Generation generation) {
		return this.lease != null && this.lease.role() == LeaseRole.STANDBY && generation.equals(this.standbyGeneration)
				&& !this.standbyGenerationStored;
	}

	/**
	 * While another instance holds the lease: reads once per generation whether the store
	 * holds the database's current generation (a restored one that this instance may
	 * continue), so that a standby keeps its shadow WAL only then.
	 */
	void watchAsStandby(Database database, ReplicaClient client) throws IOException {
		Position current = database.position();
		if (current == null || current.generation().equals(this.standbyGeneration)) {
			return;
		}
		this.standbyGenerationStored = !client.snapshots(current.generation()).isEmpty();
		this.standbyGeneration = current.generation();
	}

}
