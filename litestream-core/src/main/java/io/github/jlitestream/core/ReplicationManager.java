package io.github.jlitestream.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.lease.ReplicaLease;
import io.github.jlitestream.core.ship.Replica;
import io.github.jlitestream.core.util.Deadline;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicates any number of databases in this process. Add databases, {@link #start()},
 * and {@link #stop()} (or close) on shutdown for a final sync.
 *
 * @since 0.1.0
 */
public final class ReplicationManager implements AutoCloseable {

	/**
	 * How long {@link #stop()} may take: inside the 30 s a container orchestrator gives
	 * by default, with time left for the web server's drain.
	 */
	public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(20);

	private static final Logger logger = LoggerFactory.getLogger(ReplicationManager.class);

	private final ReplicationListener listener;

	private final Clock clock;

	private final Map<String, DatabaseReplication> databases = new LinkedHashMap<>();

	private @Nullable WalWatcher watcher;

	private volatile boolean running;

	/** This engine's id in lock and lease records, new at each start of the process. */
	private final String instance = UUID.randomUUID().toString();

	public ReplicationManager(ReplicationListener listener, Clock clock) {
		this.listener = listener;
		this.clock = clock;
	}

	public ReplicationManager() {
		this(ReplicationListener.NONE, Clock.systemUTC());
	}

	/**
	 * Adds a database and its replicas; it is opened (and checked) when the manager
	 * starts.
	 * @param name the logical name, unique in this manager
	 * @param options the database's options
	 * @param replicas the replicas: a client and options each, names unique
	 * @param codec the object pipeline
	 */
	public synchronized DatabaseReplication add(String name, DatabaseOptions options, List<ReplicaSpec> replicas,
			ObjectCodec codec) {
		if (this.databases.containsKey(name)) {
			throw new IllegalArgumentException("A database named '" + name + "' is replicated already");
		}
		if (replicas.isEmpty()) {
			throw new IllegalArgumentException("Database '" + name + "' needs at least one replica");
		}
		List<String> names = new ArrayList<>();
		Database database = new Database(name, options, this.listener, this.clock);
		List<Replica> built = new ArrayList<>();
		for (ReplicaSpec spec : replicas) {
			if (names.contains(spec.options().name())) {
				throw new IllegalArgumentException("Database '" + name + "' has two replicas named '"
						+ spec.options().name() + "'; give each a unique name");
			}
			names.add(spec.options().name());
			built.add(new Replica(database, spec.client(), spec.options(),
					(spec.codec() != null) ? spec.codec() : codec, this.listener, this.clock, lease(name, spec)));
		}
		DatabaseReplication replication = new DatabaseReplication(database, built, this.clock, this.listener,
				this.instance);
		this.databases.put(name, replication);
		return replication;
	}

	private @Nullable ReplicaLease lease(String database, ReplicaSpec spec) {
		if (!spec.options().leased()) {
			logger.warn(
					"db={} replica={} is written without a lease (its lease TTL is zero): nothing stops a second "
							+ "instance from writing {} at the same time and corrupting it",
					database, spec.options().name(), spec.client().location());
			return null;
		}
		if (!spec.client().supportsLease()) {
			throw new IllegalArgumentException("Replica '" + spec.options().name() + "' of database '" + database
					+ "' (" + spec.client().type() + " at " + spec.client().location() + ") keeps no lease, so a "
					+ "second instance could write it at the same time; implement ReplicaClient's lease methods, or "
					+ "set its lease TTL to zero to write it without a lease");
		}
		return new ReplicaLease(spec.client(), database, spec.options().name(), spec.options().leaseTtl(), this.clock,
				System::nanoTime);
	}

	/** This engine's id, as lock and lease records name it. */
	public String instance() {
		return this.instance;
	}

	/** Adds a database with LZ4 objects, as Litestream writes them. */
	public DatabaseReplication add(String name, DatabaseOptions options, List<ReplicaSpec> replicas) {
		return add(name, options, replicas, ReplicaCodec.litestream());
	}

	/** Opens every database and starts replicating. */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		try {
			this.watcher = new WalWatcher();
		}
		catch (IOException ex) {
			logger.warn("No file-system notifications, polling only: {}", ex.getMessage());
		}
		List<DatabaseReplication> locked = new ArrayList<>();
		List<DatabaseReplication> standby = new ArrayList<>();
		List<DatabaseReplication> opened = new ArrayList<>();
		try {
			for (DatabaseReplication replication : this.databases.values()) {
				if (!replication.acquireLocalLock()) {
					standby.add(replication);
					continue;
				}
				locked.add(replication);
				open(replication);
				opened.add(replication);
				replication.takeLeases();
			}
		}
		catch (IOException | RuntimeException ex) {
			opened.forEach((replication) -> replication.database().close());
			locked.forEach(DatabaseReplication::releaseLocalLock);
			closeWatcher();
			if (ex instanceof IOException io) {
				throw new UncheckedIOException(io);
			}
			throw (RuntimeException) ex;
		}
		opened.forEach(DatabaseReplication::start);
		standby.forEach((replication) -> replication.standBy(this::takeOver));
		this.running = true;
	}

	/** Opens a database whose local lock is held, and watches its WAL. */
	private void open(DatabaseReplication replication) throws IOException {
		replication.database().open();
		replication.afterOpen();
		WalWatcher active = this.watcher;
		if (active != null) {
			Path wal = replication.database().options().path();
			Path walFile = wal.resolveSibling(wal.getFileName() + "-wal");
			active.watch(walFile, replication::walChanged);
			replication.beforeCopy(() -> active.rearm(walFile));
		}
	}

	/**
	 * Runs on a standby database's thread once the engine that replicated it stopped. Not
	 * synchronized with {@link #stop()}, which waits for this thread.
	 */
	private void takeOver(DatabaseReplication replication) throws IOException {
		try {
			open(replication);
			replication.takeLeases();
		}
		catch (IOException | RuntimeException ex) {
			replication.database().close();
			throw ex;
		}
		replication.start();
	}

	/**
	 * Stops replicating after a final sync of every database and replica, within
	 * {@link #DEFAULT_STOP_TIMEOUT}.
	 * @return whether every replica holds everything committed
	 */
	public boolean stop() {
		return stop(DEFAULT_STOP_TIMEOUT);
	}

	/**
	 * Stops replicating after a final sync of every database and replica, all within
	 * {@code timeout}: a store that does not answer cannot hold a shutdown past an
	 * orchestrator's grace period. Whatever did not reach a replica by then is reported
	 * (a warning, and false) and uploaded at the next start from the local state.
	 * @param timeout how long the stop may take in all
	 * @return whether every replica holds everything committed
	 * @since 0.2.0
	 */
	public synchronized boolean stop(Duration timeout) {
		if (!this.running) {
			return true;
		}
		this.running = false;
		Deadline deadline = Deadline.in(timeout);
		boolean complete = true;
		for (DatabaseReplication replication : this.databases.values()) {
			complete &= replication.stop(deadline);
			replication.database().close();
			replication.releaseLocalLock();
		}
		closeWatcher();
		return complete;
	}

	/** Whether it is replicating. */
	public boolean isRunning() {
		return this.running;
	}

	/** The databases, in the order they were added. */
	public synchronized List<DatabaseReplication> databases() {
		return List.copyOf(this.databases.values());
	}

	/** The database with that name. */
	public synchronized Optional<DatabaseReplication> database(String name) {
		return Optional.ofNullable(this.databases.get(name));
	}

	/** The status of every database. */
	public List<DatabaseStatus> status() {
		return databases().stream().map(DatabaseReplication::status).toList();
	}

	/**
	 * {@link #stop()}, then closes every replica's {@link ReplicaClient}: the manager
	 * owns the clients it was given (a client that shares an application's S3 client
	 * leaves that one open).
	 */
	@Override
	public void close() {
		stop();
		for (DatabaseReplication replication : databases()) {
			for (Replica replica : replication.replicas()) {
				try {
					replica.client().close();
				}
				catch (IOException | RuntimeException ex) {
					logger.debug("closing the client of replica {} failed: {}", replica.name(), ex.getMessage());
				}
			}
		}
	}

	private void closeWatcher() {
		if (this.watcher != null) {
			try {
				this.watcher.close();
			}
			catch (IOException ex) {
				// nothing to do
			}
			this.watcher = null;
		}
	}

	/**
	 * A replica to add: the store and how to keep it.
	 *
	 * @param client the store
	 * @param options its options
	 * @param codec its objects' pipeline (compression, encryption); null for the
	 * database's
	 */
	public record ReplicaSpec(ReplicaClient client, ReplicaOptions options, @Nullable ObjectCodec codec) {

		/** A replica with the database's codec. */
		public ReplicaSpec(ReplicaClient client, ReplicaOptions options) {
			this(client, options, null);
		}

	}

}
