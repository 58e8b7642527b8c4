package io.github.jlitestream.core;

import java.time.Duration;
import java.time.Instant;

import io.github.jlitestream.core.lease.LeaseRecord;
import io.github.jlitestream.core.lease.LeaseRole;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of one replica of a database.
 *
 * @param name the replica's name
 * @param type the kind of store ({@code file}, {@code s3})
 * @param location where it is, without credentials
 * @param position what the store durably holds, null when not known yet
 * @param lag the age of the oldest committed change the store does not hold yet; zero
 * when caught up
 * @param lastSyncAt when the last successful sync ended
 * @param lastSnapshotAt when this process last wrote a snapshot to it
 * @param lastError the message of the last failure, null after a success
 * @param consecutiveFailures failed syncs since the last success
 * @param storage what the store holds, and the restore window
 * @param lease who writes the replica, or null when it is written without a lease
 * @param verification what its scheduled verification found, or null when it has none
 * @since 0.1.0
 */
public record ReplicaStatus(String name, String type, String location, @Nullable Position position, Duration lag,
		@Nullable Instant lastSyncAt, @Nullable Instant lastSnapshotAt, @Nullable String lastError,
		int consecutiveFailures, ReplicaStorage storage, @Nullable LeaseStatus lease,
		@Nullable VerificationStatus verification) {

	/** A replica without scheduled verification. */
	public ReplicaStatus(String name, String type, String location, @Nullable Position position, Duration lag,
			@Nullable Instant lastSyncAt, @Nullable Instant lastSnapshotAt, @Nullable String lastError,
			int consecutiveFailures, ReplicaStorage storage, @Nullable LeaseStatus lease) {
		this(name, type, location, position, lag, lastSyncAt, lastSnapshotAt, lastError, consecutiveFailures, storage,
				lease, null);
	}

	/**
	 * Whether this instance writes the replica: it holds the lease, or the replica has
	 * none.
	 */
	public boolean writer() {
		return this.lease == null || this.lease.role() == LeaseRole.PRIMARY;
	}

	/**
	 * The replica's lease as this instance sees it.
	 *
	 * @param role what this instance is to the replica
	 * @param holder the other instance that holds it, or null
	 * @param ttl how long it lasts after each renewal
	 * @param refusal why the store was refused (it ignores conditional writes), or null
	 * @param lastError the last failure to read or write it, or null
	 */
	public record LeaseStatus(LeaseRole role, @Nullable LeaseRecord holder, Duration ttl, @Nullable String refusal,
			@Nullable String lastError) {
	}

}
