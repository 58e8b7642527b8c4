package io.github.jlitestream.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import io.github.jlitestream.core.lease.LeaseRole;
import io.github.jlitestream.core.lease.ReplicaLease;
import io.github.jlitestream.core.util.Threads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread {@code litestream-lease-<db>-<replica>}: acquires, renews and watches one
 * replica's lease apart from the uploads, so that a long upload never delays a renewal,
 * and wakes the replica's worker when its role changes.
 */
final class LeaseKeeper {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseReplication.class);

	private final ReplicaLease lease;

	private final String name;

	private final BooleanSupplier running;

	private final Runnable roleChanged;

	private final Runnable failed;

	private final Signal signal = new Signal();

	private final EngineThread thread;

	private volatile @Nullable String refusal;

	/**
	 * Prepares the thread of {@code lease}; {@link #start()} starts it.
	 * @param database the database's name
	 * @param name the thread's name
	 * @param running whether replication still runs; the thread ends when it does not
	 * @param roleChanged run when the role changes (wakes the replica's worker)
	 * @param failed run after a failed round while this instance does not hold the lease:
	 * the replica cannot be synced then, which the listener hears as a failed sync
	 */
	LeaseKeeper(ReplicaLease lease, String database, String name, BooleanSupplier running, Runnable roleChanged,
			Runnable failed, ReplicationListener listener) {
		this.lease = lease;
		this.name = name;
		this.running = running;
		this.roleChanged = roleChanged;
		this.failed = failed;
		this.thread = new EngineThread(name, database, listener, running, this.signal);
	}

	ThreadStatus threadStatus() {
		return this.thread.status();
	}

	ReplicaLease lease() {
		return this.lease;
	}

	/**
	 * Why the store was refused (it ignores conditional writes), or null: the replica is
	 * then never written.
	 */
	@Nullable String refusal() {
		return this.refusal;
	}

	/**
	 * Runs the lease's first round now, waiting for it at most {@code wait}: a store that
	 * does not answer then is left to the round, which goes on in the background (the
	 * lease's thread waits for it).
	 * @throws ConditionalWritesIgnoredException when the store ignores conditional writes
	 */
	void firstRound(Duration wait) {
		CompletableFuture<Void> round = CompletableFuture.runAsync(this.lease::tick,
				(task) -> Threads.startDaemon(this.name + "-start", task));
		try {
			round.get(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn("{}: the store did not answer within {} ms at start; the lease is taken in the background",
					this.name, wait.toMillis());
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new LitestreamException(String.valueOf(ex.getCause().getMessage()), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LitestreamException("Interrupted while taking the lease (" + this.name + ")", ex);
		}
	}

	void start() {
		this.thread.start(this::round);
	}

	void join(Duration timeout) {
		this.thread.join(timeout);
	}

	/** Renews, acquires or watches the lease, then waits for the next round. */
	private boolean round() {
		LeaseRole before = this.lease.role();
		int failures = this.lease.failures();
		Duration wait;
		try {
			wait = this.lease.tick();
			if (this.lease.failures() > failures && this.lease.role() != LeaseRole.PRIMARY) {
				this.failed.run();
			}
		}
		catch (ConditionalWritesIgnoredException ex) {
			this.refusal = ex.getMessage();
			logger.error("{}", ex.getMessage());
			return false;
		}
		if (this.lease.role() != before) {
			this.roleChanged.run();
		}
		this.signal.await(wait);
		return true;
	}

}
