package io.github.jlitestream.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.lease.ReplicaLease;
import io.github.jlitestream.core.ship.Replica;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of replication: gauges read the engine's status (lag, snapshot age,
 * storage, sizes, positions) and the engine's events feed the timers and counters. Meters
 * of every configured database and replica exist from the start, at zero.
 *
 * @since 0.1.0
 */
public class LitestreamMetrics implements MeterBinder, ReplicationListener {

	/** The description of every timer and counter (gauges carry theirs where built). */
	private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
			Map.entry(LitestreamMetricNames.SYNC,
					"Replica syncs: uploads of what the shadow WAL holds beyond the replica"),
			Map.entry(LitestreamMetricNames.REPLICA_OPERATIONS, "Requests to the replica's store"),
			Map.entry(LitestreamMetricNames.REPLICA_BYTES,
					"Bytes sent to (put) and read from (get) the replica's store"),
			Map.entry(LitestreamMetricNames.WAL_BYTES, "WAL bytes copied into the shadow WAL"),
			Map.entry(LitestreamMetricNames.CHECKPOINT, "Checkpoints the engine ran"),
			Map.entry(LitestreamMetricNames.SNAPSHOT, "Snapshots written to the replica"),
			Map.entry(LitestreamMetricNames.GENERATION_CHANGES, "New generations started, by reason"),
			Map.entry(LitestreamMetricNames.THREAD_FAILURES,
					"Rounds of an engine thread that failed with something it did not expect"),
			Map.entry(LitestreamMetricNames.RETENTION_DELETED, "Objects and generations retention deleted"),
			Map.entry(LitestreamMetricNames.COMPACTION,
					"WAL indexes compacted, and the segments they replaced deleted"),
			Map.entry(LitestreamMetricNames.COMPACTION_BYTES,
					"Stored bytes of compacted WAL indexes, before and after compaction"),
			Map.entry(LitestreamMetricNames.RESTORE, "Restores, the one at startup included"),
			Map.entry(LitestreamMetricNames.RESTORE_BYTES, "Bytes of databases restored"),
			Map.entry(LitestreamMetricNames.ROLLBACK, "Rollbacks of the live database: staged, cancelled, applied"),
			Map.entry(LitestreamMetricNames.VERIFICATION,
					"Scheduled verifications: the replica restored and compared with the database"));

	private final Supplier<@Nullable ReplicationManager> manager;

	private final Clock clock;

	private volatile @Nullable MeterRegistry registry;

	/**
	 * Restores happen before the DataSource, often before meters are bound: kept until
	 * then.
	 */
	private final List<Runnable> beforeBinding = new ArrayList<>();

	private final Map<List<String>, Meter> meters = new ConcurrentHashMap<>();

	public LitestreamMetrics(Supplier<@Nullable ReplicationManager> manager, Clock clock) {
		this.manager = manager;
		this.clock = clock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		List<Runnable> pending;
		synchronized (this.beforeBinding) {
			this.registry = registry;
			this.meters.clear(); // meters of another registry
			pending = List.copyOf(this.beforeBinding);
			this.beforeBinding.clear();
		}
		pending.forEach(Runnable::run);
		ReplicationManager replication = this.manager.get();
		if (replication == null) {
			return;
		}
		for (DatabaseReplication database : replication.databases()) {
			bindDatabase(registry, database);
			for (Replica replica : database.replicas()) {
				bindReplica(registry, database, replica);
			}
		}
	}

	private void bindDatabase(MeterRegistry registry, DatabaseReplication replication) {
		String db = replication.database().name();
		Gauge.builder(LitestreamMetricNames.DB_SIZE, replication, (r) -> r.database().databaseSize())
			.baseUnit(BaseUnits.BYTES)
			.tag("db", db)
			.description("Size of the database file")
			.strongReference(true)
			.register(registry);
		Gauge.builder(LitestreamMetricNames.WAL_SIZE, replication, (r) -> r.database().walSize())
			.baseUnit(BaseUnits.BYTES)
			.tag("db", db)
			.description("Size of the WAL file")
			.strongReference(true)
			.register(registry);
		Gauge.builder(LitestreamMetricNames.POSITION_INDEX, replication, (r) -> index(r.database().position()))
			.tag("db", db)
			.description("WAL index of the database's replication position")
			.strongReference(true)
			.register(registry);
		Gauge.builder(LitestreamMetricNames.POSITION_OFFSET, replication, (r) -> offset(r.database().position()))
			.baseUnit(BaseUnits.BYTES)
			.tag("db", db)
			.description("Offset in the WAL index of the database's position")
			.strongReference(true)
			.register(registry);
		Gauge.builder(LitestreamMetricNames.DB_ROLE, replication, (r) -> switch (r.role()) {
			case PRIMARY -> 1;
			case STANDBY -> 0;
			case STOPPED -> -1;
		})
			.tag("db", db)
			.description("1 when this engine replicates the database, 0 in standby")
			.strongReference(true)
			.register(registry);
		counter(LitestreamMetricNames.WAL_BYTES, "db", db);
		// at zero from the start, so that an alert on its increase sees the first failure
		counter(LitestreamMetricNames.THREAD_FAILURES, "db", db, "thread", "litestream-monitor-" + db);
		for (Replica replica : replication.replicas()) {
			counter(LitestreamMetricNames.THREAD_FAILURES, "db", db, "thread",
					"litestream-replica-" + db + "-" + replica.name());
			if (replica.lease() != null) {
				counter(LitestreamMetricNames.THREAD_FAILURES, "db", db, "thread",
						"litestream-lease-" + db + "-" + replica.name());
			}
		}
		for (String outcome : new String[] { "success", "failure" }) {
			for (CheckpointMode mode : CheckpointMode.values()) {
				timer(LitestreamMetricNames.CHECKPOINT, "db", db, "mode", mode.name().toLowerCase(Locale.ROOT),
						"outcome", outcome);
			}
			timer(LitestreamMetricNames.RESTORE, "db", db, "outcome", outcome);
		}
		counter(LitestreamMetricNames.RESTORE_BYTES, "db", db);
		for (String event : new String[] { "staged", "cancelled", "applied" }) {
			counter(LitestreamMetricNames.ROLLBACK, "db", db, "event", event);
		}
	}

	private void bindReplica(MeterRegistry registry, DatabaseReplication replication, Replica replica) {
		String db = replication.database().name();
		String name = replica.name();
		TimeGauge.builder(LitestreamMetricNames.REPLICA_LAG, replica, TimeUnit.NANOSECONDS, (r) -> r.lag().toNanos())
			.tags("db", db, "replica", name)
			.description("Age of the oldest committed change not yet in the replica")
			.strongReference(true)
			.register(registry);
		TimeGauge.builder(LitestreamMetricNames.SNAPSHOT_AGE, replica, TimeUnit.NANOSECONDS, this::snapshotAgeNanos)
			.tags("db", db, "replica", name)
			.description("Time since the newest snapshot of the current generation")
			.strongReference(true)
			.register(registry);
		Gauge.builder(LitestreamMetricNames.REPLICA_STORAGE, replica, (r) -> r.storage().bytes())
			.baseUnit(BaseUnits.BYTES)
			.tags("db", db, "replica", name)
			.description("Bytes stored in the replica")
			.strongReference(true)
			.register(registry);
		Gauge.builder(LitestreamMetricNames.REPLICA_OBJECTS, replica, (r) -> r.storage().objects())
			.tags("db", db, "replica", name)
			.description("Objects stored in the replica")
			.strongReference(true)
			.register(registry);
		Gauge.builder(LitestreamMetricNames.REPLICA_LEASE, replica, LitestreamMetrics::leaseRole)
			.tags("db", db, "replica", name)
			.description("1 when this instance writes the replica, 0 in standby, -1 when neither")
			.strongReference(true)
			.register(registry);
		Gauge.builder(LitestreamMetricNames.REPLICA_POSITION_INDEX, replica, (r) -> index(r.position()))
			.tags("db", db, "replica", name)
			.description("WAL index of the replica's position")
			.strongReference(true)
			.register(registry);
		Gauge.builder(LitestreamMetricNames.REPLICA_POSITION_OFFSET, replica, (r) -> offset(r.position()))
			.baseUnit(BaseUnits.BYTES)
			.tags("db", db, "replica", name)
			.description("Offset of the replica's position")
			.strongReference(true)
			.register(registry);
		if (!replica.options().verifyInterval().isZero()) {
			Instant bound = this.clock.instant();
			TimeGauge
				.builder(LitestreamMetricNames.VERIFICATION_AGE, replication, TimeUnit.NANOSECONDS,
						(r) -> verificationAgeNanos(r, name, bound))
				.tags("db", db, "replica", name)
				.description("Time since the replica's last successful verification (since the start before one)")
				.strongReference(true)
				.register(registry);
			for (String outcome : new String[] { "success", "failure", "skipped" }) {
				timer(LitestreamMetricNames.VERIFICATION, "db", db, "replica", name, "outcome", outcome);
			}
		}
		for (String outcome : new String[] { "success", "failure" }) {
			timer(LitestreamMetricNames.SYNC, "db", db, "replica", name, "outcome", outcome);
			timer(LitestreamMetricNames.SNAPSHOT, "db", db, "replica", name, "outcome", outcome);
			for (String operation : new String[] { "put", "get", "list", "delete" }) {
				timer(LitestreamMetricNames.REPLICA_OPERATIONS, "db", db, "replica", name, "operation", operation,
						"outcome", outcome);
			}
		}
		for (String operation : new String[] { "put", "get" }) {
			counter(LitestreamMetricNames.REPLICA_BYTES, "db", db, "replica", name, "operation", operation);
		}
		for (String kind : new String[] { "generation", "snapshot", "wal" }) {
			counter(LitestreamMetricNames.RETENTION_DELETED, "db", db, "replica", name, "kind", kind);
		}
	}

	private double verificationAgeNanos(DatabaseReplication replication, String replica, Instant bound) {
		return replication.verification(replica).map((status) -> {
			Instant success = status.lastSuccessAt();
			return (double) Duration.between((success != null) ? success : bound, this.clock.instant()).toNanos();
		}).orElse(Double.NaN);
	}

	private double snapshotAgeNanos(Replica replica) {
		Instant latest = replica.storage().latestSnapshotAt();
		return (latest != null) ? Duration.between(latest, this.clock.instant()).toNanos() : Double.NaN;
	}

	private static double index(@Nullable Position position) {
		return (position != null) ? position.index() : Double.NaN;
	}

	private static double offset(@Nullable Position position) {
		return (position != null) ? position.offset() : Double.NaN;
	}

	@Override
	public void onWalCopied(String database, long bytes) {
		Counter counter = counter(LitestreamMetricNames.WAL_BYTES, "db", database);
		if (counter != null) {
			counter.increment(bytes);
		}
	}

	@Override
	public void onCheckpoint(String database, CheckpointMode mode, Duration duration, @Nullable Throwable failure) {
		record(timer(LitestreamMetricNames.CHECKPOINT, "db", database, "mode", mode.name().toLowerCase(Locale.ROOT),
				"outcome", outcome(failure)), duration);
	}

	@Override
	public void onGenerationChange(String database, Generation generation, String reason) {
		Counter counter = counter(LitestreamMetricNames.GENERATION_CHANGES, "db", database, "reason",
				reasonCode(reason));
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void onSync(String database, String replica, Duration duration, @Nullable Throwable failure) {
		record(timer(LitestreamMetricNames.SYNC, "db", database, "replica", replica, "outcome", outcome(failure)),
				duration);
	}

	@Override
	public void onReplicaOperation(String database, String replica, String operation, long bytes, Duration duration,
			@Nullable Throwable failure) {
		record(timer(LitestreamMetricNames.REPLICA_OPERATIONS, "db", database, "replica", replica, "operation",
				operation, "outcome", outcome(failure)), duration);
		if (bytes > 0) {
			Counter counter = counter(LitestreamMetricNames.REPLICA_BYTES, "db", database, "replica", replica,
					"operation", operation);
			if (counter != null) {
				counter.increment(bytes);
			}
		}
	}

	@Override
	public void onSnapshot(String database, String replica, long bytes, Duration duration,
			@Nullable Throwable failure) {
		record(timer(LitestreamMetricNames.SNAPSHOT, "db", database, "replica", replica, "outcome", outcome(failure)),
				duration);
	}

	@Override
	public void onRetentionDeleted(String database, String replica, String kind, int count) {
		Counter counter = counter(LitestreamMetricNames.RETENTION_DELETED, "db", database, "replica", replica, "kind",
				kind);
		if (counter != null) {
			counter.increment(count);
		}
	}

	@Override
	public void onCompaction(String database, String replica, int indexes, long bytesBefore, long bytesAfter,
			int deleted) {
		increment(counter(LitestreamMetricNames.COMPACTION, "db", database, "replica", replica, "kind", "index"),
				indexes);
		increment(counter(LitestreamMetricNames.COMPACTION, "db", database, "replica", replica, "kind", "segment"),
				deleted);
		increment(
				counter(LitestreamMetricNames.COMPACTION_BYTES, "db", database, "replica", replica, "state", "before"),
				bytesBefore);
		increment(counter(LitestreamMetricNames.COMPACTION_BYTES, "db", database, "replica", replica, "state", "after"),
				bytesAfter);
	}

	private static void increment(@Nullable Counter counter, double amount) {
		if (counter != null && amount > 0) {
			counter.increment(amount);
		}
	}

	@Override
	public void onRollback(String database, String event, String target) {
		synchronized (this.beforeBinding) {
			if (this.registry == null) {
				// applied at a start, before the meters are bound
				this.beforeBinding.add(() -> onRollback(database, event, target));
				return;
			}
		}
		Counter counter = counter(LitestreamMetricNames.ROLLBACK, "db", database, "event", event);
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void onVerification(String database, String replica, String outcome, Duration duration,
			@Nullable String problem) {
		record(timer(LitestreamMetricNames.VERIFICATION, "db", database, "replica", replica, "outcome", outcome),
				duration);
	}

	@Override
	public void onThreadFailure(String database, String thread, Throwable failure) {
		Counter counter = counter(LitestreamMetricNames.THREAD_FAILURES, "db", database, "thread", thread);
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void onRestore(String database, long bytes, Duration duration, @Nullable Throwable failure) {
		synchronized (this.beforeBinding) {
			if (this.registry == null) {
				this.beforeBinding.add(() -> onRestore(database, bytes, duration, failure));
				return;
			}
		}
		record(timer(LitestreamMetricNames.RESTORE, "db", database, "outcome", outcome(failure)), duration);
		Counter counter = counter(LitestreamMetricNames.RESTORE_BYTES, "db", database);
		if (counter != null && bytes > 0) {
			counter.increment(bytes);
		}
	}

	private static String outcome(@Nullable Throwable failure) {
		return (failure != null) ? "failure" : "success";
	}

	private static void record(@Nullable Timer timer, Duration duration) {
		if (timer != null) {
			timer.record(duration);
		}
	}

	private @Nullable Timer timer(String name, String... tags) {
		MeterRegistry current = this.registry;
		if (current == null) {
			return null;
		}
		// looked up once per name and tags, not built on every event
		return (Timer) this.meters.computeIfAbsent(key(name, tags),
				(key) -> Timer.builder(name).tags(tags).description(DESCRIPTIONS.get(name)).register(current));
	}

	private @Nullable Counter counter(String name, String... tags) {
		MeterRegistry current = this.registry;
		if (current == null) {
			return null;
		}
		return (Counter) this.meters.computeIfAbsent(key(name, tags), (key) -> {
			Counter.Builder builder = Counter.builder(name).tags(tags).description(DESCRIPTIONS.get(name));
			if (name.equals(LitestreamMetricNames.WAL_BYTES) || name.equals(LitestreamMetricNames.REPLICA_BYTES)
					|| name.equals(LitestreamMetricNames.RESTORE_BYTES)) {
				builder.baseUnit(BaseUnits.BYTES);
			}
			return builder.register(current);
		});
	}

	private static List<String> key(String name, String... tags) {
		List<String> key = new ArrayList<>(tags.length + 1);
		key.add(name);
		key.addAll(Arrays.asList(tags));
		return key;
	}

	/**
	 * A generation-change reason as a bounded tag value: the reason's template, without
	 * the exception text or counts some reasons carry ("local state disk full: No space
	 * left on device" is {@code local-state-disk-full}).
	 */
	static String reasonCode(String reason) {
		int colon = reason.indexOf(':');
		String template = ((colon >= 0) ? reason.substring(0, colon) : reason).toLowerCase(Locale.ROOT)
			.replaceAll("[0-9]+", "n")
			.replaceAll("[^a-z]+", "-")
			.replaceAll("(^-+|-+$)", "");
		return template.isEmpty() ? "other" : template.substring(0, Math.min(64, template.length()));
	}

	private static double leaseRole(Replica replica) {
		ReplicaLease lease = replica.lease();
		if (lease == null) {
			return 1;
		}
		return switch (lease.role()) {
			case PRIMARY -> 1;
			case STANDBY -> 0;
			default -> -1;
		};
	}

}
