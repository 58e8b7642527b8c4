package io.github.jlitestream.metrics;

/**
 * The names of Litestream's meters. Prometheus renders them with {@code _seconds},
 * {@code _bytes} and {@code _total} suffixes (for example
 * {@code litestream_replica_lag_seconds}).
 *
 * @since 0.1.0
 */
public final class LitestreamMetricNames {

	/**
	 * Age of the oldest committed change not yet in the replica (time gauge; db,
	 * replica).
	 */
	public static final String REPLICA_LAG = "litestream.replica.lag";

	/**
	 * Time since the newest snapshot of the current generation in the replica (time
	 * gauge; db, replica).
	 */
	public static final String SNAPSHOT_AGE = "litestream.snapshot.age";

	/** Bytes the replica stores (gauge; db, replica). */
	public static final String REPLICA_STORAGE = "litestream.replica.storage";

	/** Objects the replica stores (gauge; db, replica). */
	public static final String REPLICA_OBJECTS = "litestream.replica.objects";

	/**
	 * Whether this instance writes the replica: 1 primary (holds the lease, or the
	 * replica has none), 0 standby (another instance holds it), -1 neither (taking it,
	 * not renewed in time, or the store refused).
	 */
	public static final String REPLICA_LEASE = "litestream.replica.lease";

	/** WAL index of the replica's position (gauge; db, replica). */
	public static final String REPLICA_POSITION_INDEX = "litestream.replica.position.index";

	/** Offset of the replica's position (gauge; db, replica). */
	public static final String REPLICA_POSITION_OFFSET = "litestream.replica.position.offset";

	/** Replica syncs (timer; db, replica, outcome). */
	public static final String SYNC = "litestream.sync";

	/** Store operations (timer; db, replica, operation, outcome). */
	public static final String REPLICA_OPERATIONS = "litestream.replica.operations";

	/** Bytes written to the store (counter; db, replica, operation). */
	public static final String REPLICA_BYTES = "litestream.replica.bytes";

	/** Committed WAL bytes copied into the shadow WAL (counter; db). */
	public static final String WAL_BYTES = "litestream.wal.bytes";

	/** Checkpoints (timer; db, mode, outcome). */
	public static final String CHECKPOINT = "litestream.checkpoint";

	/** Snapshots written (timer; db, replica, outcome). */
	public static final String SNAPSHOT = "litestream.snapshot";

	/** New generations (counter; db, reason). */
	public static final String GENERATION_CHANGES = "litestream.generation.changes";

	/**
	 * Rounds of an engine thread that failed with something it did not expect, such as an
	 * {@link Error} (counter; db, thread); each is logged at ERROR and the thread goes on
	 * after a backoff.
	 */
	public static final String THREAD_FAILURES = "litestream.thread.failures";

	/** Objects deleted by retention (counter; db, replica, kind). */
	public static final String RETENTION_DELETED = "litestream.retention.deleted";

	/**
	 * Compaction (counter; db, replica, kind): {@code index} WAL indexes compacted,
	 * {@code segment} replaced segments deleted.
	 */
	public static final String COMPACTION = "litestream.compaction";

	/**
	 * Stored bytes of compacted WAL indexes before and after compaction (counter; db,
	 * replica, state {@code before} or {@code after}).
	 */
	public static final String COMPACTION_BYTES = "litestream.compaction.bytes";

	/** Restores (timer; db, outcome). */
	public static final String RESTORE = "litestream.restore";

	/** Bytes of restored databases (counter; db). */
	public static final String RESTORE_BYTES = "litestream.restore.bytes";

	/** Size of the database file (gauge; db). */
	public static final String DB_SIZE = "litestream.db.size";

	/**
	 * Whether this engine replicates the database: 1 primary, 0 standby (another engine
	 * on this host does), -1 stopped.
	 */
	public static final String DB_ROLE = "litestream.db.role";

	/** Size of the WAL file (gauge; db). */
	public static final String WAL_SIZE = "litestream.wal.size";

	/** WAL index of the database's position (gauge; db). */
	public static final String POSITION_INDEX = "litestream.position.index";

	/** Offset of the database's position (gauge; db). */
	public static final String POSITION_OFFSET = "litestream.position.offset";

	/**
	 * Timer of scheduled verifications, tagged {@code db}, {@code replica} and
	 * {@code outcome} ({@code success}, {@code failure}, {@code skipped}).
	 */
	public static final String VERIFICATION = "litestream.verification";

	/**
	 * Time since the replica's last successful verification (since the start before the
	 * first), tagged {@code db} and {@code replica}; only for replicas with a verify
	 * interval.
	 */
	public static final String VERIFICATION_AGE = "litestream.verification.age";

	/**
	 * Counter of rollbacks, tagged {@code db} and {@code event} ({@code staged},
	 * {@code cancelled}, {@code applied}).
	 */
	public static final String ROLLBACK = "litestream.rollback";

	private LitestreamMetricNames() {
	}

}
