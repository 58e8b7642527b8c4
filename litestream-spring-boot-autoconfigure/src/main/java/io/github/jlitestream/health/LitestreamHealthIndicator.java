package io.github.jlitestream.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.github.jlitestream.core.DatabaseStatus;
import io.github.jlitestream.core.ReplicaStatus;
import io.github.jlitestream.core.ReplicaStatus.LeaseStatus;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ThreadStatus;
import io.github.jlitestream.core.VerificationStatus;
import io.github.jlitestream.core.lease.LeaseRole;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of replication, from the engine's cached status (no I/O): one entry per database
 * and replica. A replica is unhealthy when its lag exceeds the threshold or after
 * repeated failed syncs, and when it is refused (its store ignores conditional writes) or
 * this instance could not renew its lease, or when its last scheduled verification
 * failed; a replica another instance holds (standby) is UP, whatever its lag here. A
 * database is unhealthy when its monitor fails or one of its engine threads fails
 * unexpectedly (or died). Unhealthy is {@link #LAGGING} (HTTP 200) or DOWN, as
 * configured. Replication that is not running while databases are configured is
 * OUT_OF_SERVICE. Details never carry credentials or keys: locations have none, and error
 * messages are the engine's.
 *
 * @since 0.1.0
 */
public class LitestreamHealthIndicator extends AbstractHealthIndicator {

	/**
	 * Replication behind or failing while the application serves: not a reason to take it
	 * out of a load balancer.
	 */
	public static final Status LAGGING = new Status("LAGGING",
			"replication is behind or failing; the application itself serves");

	private final ReplicationManager manager;

	private final Duration maxLag;

	private final int maxFailures;

	/**
	 * The status of unhealthy replication, {@link #LAGGING} or DOWN.
	 */
	private final Status unhealthy;

	/** Replication is unhealthy, DOWN. */
	public LitestreamHealthIndicator(ReplicationManager manager, Duration maxLag, int maxFailures) {
		this(manager, maxLag, maxFailures, Status.DOWN);
	}

	/**
	 * Replication is unhealthy with the given status: {@link #LAGGING}, which Spring Boot
	 * answers with HTTP 200, or DOWN.
	 */
	public LitestreamHealthIndicator(ReplicationManager manager, Duration maxLag, int maxFailures, Status unhealthy) {
		super("Litestream health check failed");
		this.manager = manager;
		this.maxLag = maxLag;
		this.maxFailures = maxFailures;
		this.unhealthy = unhealthy;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Status overall = Status.UP;
		for (DatabaseStatus database : this.manager.status()) {
			Health health = databaseHealth(database);
			Map<String, Object> details = new LinkedHashMap<>(health.getDetails());
			details.put("status", health.getStatus().getCode());
			builder.withDetail(database.name(), details);
			overall = worse(overall, health.getStatus());
		}
		if (!this.manager.isRunning() && !this.manager.databases().isEmpty()) {
			overall = Status.OUT_OF_SERVICE;
		}
		builder.status(overall);
	}

	/**
	 * The health of one database and its replicas (what
	 * {@code /actuator/health/litestream/<database>} shows).
	 * @param name the database's name
	 * @return its health, or null for an unknown database
	 * @since 0.2.0
	 */
	public @Nullable Health databaseHealth(String name) {
		for (DatabaseStatus database : this.manager.status()) {
			if (database.name().equals(name)) {
				Health health = databaseHealth(database);
				return this.manager.isRunning() ? health
						: Health.status(Status.OUT_OF_SERVICE).withDetails(health.getDetails()).build();
			}
		}
		return null;
	}

	/**
	 * The health of one replica (what
	 * {@code /actuator/health/litestream/<database>/<replica>} shows): its own, made
	 * worse by its database's (a failing monitor or engine thread keeps new commits from
	 * every replica of the database), with the database's error in the details.
	 * @param database the database's name
	 * @param replica the replica's name
	 * @return its health, or null for an unknown database or replica
	 * @since 0.2.0
	 */
	public @Nullable Health replicaHealth(String database, String replica) {
		for (DatabaseStatus status : this.manager.status()) {
			if (!status.name().equals(database)) {
				continue;
			}
			for (ReplicaStatus replicaStatus : status.replicas()) {
				if (replicaStatus.name().equals(replica)) {
					return replicaHealth(status, replicaStatus);
				}
			}
		}
		return null;
	}

	private Health replicaHealth(DatabaseStatus database, ReplicaStatus replica) {
		Health ofDatabase = databaseHealth(database);
		Status status = replicaStatus(replica);
		Map<String, Object> details = replicaDetails(replica, status);
		details.remove("status");
		details.put("database", database.path().toString());
		for (String key : new String[] { "lastError", "failingThreads" }) {
			Object value = ofDatabase.getDetails().get(key);
			if (value != null) {
				details.put((key.equals("lastError") ? "databaseError" : key), value);
			}
		}
		if (details.containsKey("databaseError") || details.containsKey("failingThreads")) {
			status = worse(status, this.unhealthy);
		}
		if (!this.manager.isRunning()) {
			status = Status.OUT_OF_SERVICE;
		}
		return Health.status(status).withDetails(details).build();
	}

	private Health databaseHealth(DatabaseStatus database) {
		Map<String, Object> details = new LinkedHashMap<>();
		Status databaseStatus = (database.lastError() != null) ? this.unhealthy : Status.UP;
		details.put("path", database.path().toString());
		details.put("role", database.role().name().toLowerCase(Locale.ROOT));
		if (database.localHolder() != null) {
			// waiting for another engine on this host: its replication is that one's
			details.put("replicatedBy", database.localHolder().describe());
		}
		putIfPresent(details, "generation", (database.position() != null) ? database.position().generation() : null);
		putIfPresent(details, "position", database.position());
		putIfPresent(details, "lastSync", database.lastSyncAt());
		putIfPresent(details, "lastError", database.lastError());
		Map<String, Object> failingThreads = new LinkedHashMap<>();
		for (ThreadStatus thread : database.threads()) {
			if (thread.failing()) {
				failingThreads.put(thread.name(),
						thread.died() ? "died" : thread.lastFailure() + " (" + thread.failures() + " failures)");
			}
		}
		if (!failingThreads.isEmpty()) {
			// an engine thread fails with what it did not expect: the backup window
			// widens until it works again
			databaseStatus = this.unhealthy;
			details.put("failingThreads", failingThreads);
		}
		Map<String, Object> replicas = new LinkedHashMap<>();
		for (ReplicaStatus replica : database.replicas()) {
			Status replicaStatus = replicaStatus(replica);
			databaseStatus = worse(databaseStatus, replicaStatus);
			replicas.put(replica.name(), replicaDetails(replica, replicaStatus));
		}
		details.put("replicas", replicas);
		return Health.status(databaseStatus).withDetails(details).build();
	}

	private Status replicaStatus(ReplicaStatus replica) {
		LeaseStatus lease = replica.lease();
		if (lease != null && (lease.refusal() != null || lease.role() == LeaseRole.LOST)) {
			// refused store, or a lease this instance could not renew: nothing is written
			return this.unhealthy;
		}
		if (lease != null && lease.role() == LeaseRole.STANDBY) {
			// another instance writes the replica; its lag here says nothing
			return Status.UP;
		}
		if (replica.lag().compareTo(this.maxLag) > 0 || replica.consecutiveFailures() >= this.maxFailures) {
			return this.unhealthy;
		}
		if (replica.verification() != null && replica.verification().failing()) {
			// the replica restores to something else than the database held: a backup
			// that would fail the restore it is for
			return this.unhealthy;
		}
		return Status.UP;
	}

	private Map<String, Object> replicaDetails(ReplicaStatus replica, Status status) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("status", status.getCode());
		details.put("type", replica.type());
		details.put("location", replica.location());
		putIfPresent(details, "position", replica.position());
		details.put("lag", replica.lag().toMillis() / 1000.0 + "s");
		putIfPresent(details, "lastSync", replica.lastSyncAt());
		putIfPresent(details, "lastSnapshot", replica.storage().latestSnapshotAt());
		putIfPresent(details, "lastError", replica.lastError());
		if (replica.consecutiveFailures() > 0) {
			details.put("consecutiveFailures", replica.consecutiveFailures());
		}
		VerificationStatus verification = replica.verification();
		if (verification != null) {
			Map<String, Object> verified = new LinkedHashMap<>();
			putIfPresent(verified, "outcome", verification.lastOutcome());
			putIfPresent(verified, "at", verification.lastAt());
			putIfPresent(verified, "position", verification.lastPosition());
			putIfPresent(verified, "problem", verification.lastProblem());
			putIfPresent(verified, "lastSuccess", verification.lastSuccessAt());
			verified.put("failures", verification.failures());
			details.put("verification", verified);
		}
		LeaseStatus lease = replica.lease();
		details.put("role", (lease != null) ? lease.role().name().toLowerCase(Locale.ROOT) : "unleased");
		if (lease != null) {
			putIfPresent(details, "leaseHolder", (lease.holder() != null) ? lease.holder().describe() : null);
			putIfPresent(details, "leaseRefused", lease.refusal());
			putIfPresent(details, "leaseError", lease.lastError());
		}
		return details;
	}

	private static void putIfPresent(Map<String, Object> details, String key, @Nullable Object value) {
		if (value != null) {
			details.put(key, value.toString());
		}
	}

	private static Status worse(Status a, Status b) {
		return (rank(b) > rank(a)) ? b : a;
	}

	private static int rank(Status status) {
		if (Status.DOWN.equals(status)) {
			return 4;
		}
		if (LAGGING.equals(status)) {
			return 3;
		}
		if (Status.OUT_OF_SERVICE.equals(status)) {
			return 2;
		}
		return Status.UP.equals(status) ? 0 : 1;
	}

}
