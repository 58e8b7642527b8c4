package io.github.jlitestream.core;

import java.util.List;
import java.util.Objects;

import io.github.jlitestream.core.lease.LeaseRole;
import io.github.jlitestream.core.lease.ReplicaLease;
import io.github.jlitestream.core.ship.Replica;
import org.jspecify.annotations.Nullable;

/** How a replica's lease shows in its status. */
final class LeaseStatuses {

	private LeaseStatuses() {
	}

	/**
	 * The replica's last failure, or its lease's while the lease is not held: a store
	 * that cannot be reached at start fails the lease first.
	 */
	static @Nullable String lastError(Replica replica) {
		ReplicaLease lease = replica.lease();
		if (replica.lastError() == null && lease != null && lease.role() != LeaseRole.PRIMARY
				&& lease.lastError() != null) {
			return "lease: " + lease.lastError();
		}
		return replica.lastError();
	}

	static int failures(ReplicaWorker worker) {
		ReplicaLease lease = worker.replica().lease();
		int leaseFailures = (lease != null && lease.role() != LeaseRole.PRIMARY) ? lease.failures() : 0;
		return Math.max(worker.failures(), leaseFailures);
	}

	static ReplicaStatus.@Nullable LeaseStatus of(Replica replica, List<LeaseKeeper> keepers) {
		ReplicaLease lease = replica.lease();
		if (lease == null) {
			return null;
		}
		String refusal = keepers.stream()
			.filter((keeper) -> keeper.lease() == lease)
			.map(LeaseKeeper::refusal)
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
		return new ReplicaStatus.LeaseStatus(lease.role(), lease.holder(), lease.ttl(), refusal, lease.lastError());
	}

}
