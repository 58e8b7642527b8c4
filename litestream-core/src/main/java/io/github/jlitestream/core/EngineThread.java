package io.github.jlitestream.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.github.jlitestream.core.util.Threads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one of the engine's threads round after round, so that nothing ends replication
 * silently. Each thread handles the failures it expects (a store that does not answer, a
 * busy database) itself; a round that ends with anything else (a bug's exception, or an
 * {@link Error} such as a {@code NoClassDefFoundError} from a listener's library or an
 * {@code OutOfMemoryError}) is logged at ERROR with its stack trace, counted
 * ({@link ReplicationListener#onThreadFailure}, for the metric), shown as failing in the
 * status (health DOWN) until a round succeeds, and the thread goes on after a backoff. A
 * thread that ends anyway while replication runs is reported as died.
 */
final class EngineThread {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseReplication.class);

	/** The first wait after an unexpected failure; it doubles with each one after. */
	static final Duration FAILURE_BACKOFF = Duration.ofMillis(200);

	private final String name;

	private final String database;

	private final ReplicationListener listener;

	private final BooleanSupplier running;

	private final Signal signal;

	private final AtomicLong failures = new AtomicLong();

	private volatile int streak;

	private volatile @Nullable String lastFailure;

	private volatile boolean died;

	private @Nullable Thread thread;

	/**
	 * Prepares the thread; {@link #start(Round)} starts it.
	 * @param name the thread's name
	 * @param database the database it works for, for the listener
	 * @param running whether replication still runs; the thread ends when it does not
	 * @param signal what wakes the thread; raised when replication stops, it also ends
	 * the wait after a failure
	 */
	EngineThread(String name, String database, ReplicationListener listener, BooleanSupplier running, Signal signal) {
		this.name = name;
		this.database = database;
		this.listener = listener;
		this.running = running;
		this.signal = signal;
	}

	String name() {
		return this.name;
	}

	/**
	 * Starts the thread, running {@code round} until it returns false or replication
	 * stops.
	 */
	void start(Round round) {
		this.thread = Threads.startDaemon(this.name, () -> run(round));
	}

	void join(Duration timeout) {
		this.signal.raise();
		Threads.join(this.thread, timeout);
	}

	ThreadStatus status() {
		return new ThreadStatus(this.name, this.failures.get(), this.lastFailure, this.died);
	}

	private void run(Round round) {
		boolean done = false;
		try {
			while (this.running.getAsBoolean()) {
				try {
					if (!round.run()) {
						done = true;
						return;
					}
					succeeded();
				}
				catch (Throwable ex) {
					failed(ex);
					awaitBackoff(UploadPacer.backoff(FAILURE_BACKOFF, this.streak - 1));
				}
			}
			done = true;
		}
		finally {
			if (!done) {
				// only when the failure handling itself failed (a second Error in it)
				this.died = true;
				logger.error(
						"db={} thread {} ended while replication runs; restart the application to replicate " + "again",
						this.database, this.name);
			}
		}
	}

	private void succeeded() {
		if (this.streak > 0) {
			logger.info("db={} thread {} works again after {} failed round(s)", this.database, this.name, this.streak);
			this.streak = 0;
			this.lastFailure = null;
		}
	}

	private void failed(Throwable failure) {
		this.failures.incrementAndGet();
		this.lastFailure = failure.getClass().getName() + ": " + failure.getMessage();
		if (this.streak++ == 0) {
			logger.error("db={} thread {} failed unexpectedly; it goes on after a backoff", this.database, this.name,
					failure);
		}
		else {
			logger.error("db={} thread {} failed unexpectedly again ({} in a row): {}", this.database, this.name,
					this.streak, this.lastFailure);
		}
		try {
			this.listener.onThreadFailure(this.database, this.name, failure);
		}
		catch (RuntimeException ex) {
			logger.warn("db={} the listener failed on a thread failure: {}", this.database, ex.toString());
		}
	}

	private void awaitBackoff(Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		long left;
		while (this.running.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
			this.signal.await(Duration.ofNanos(left));
		}
	}

	/** One round of a thread's work. */
	@FunctionalInterface
	interface Round {

		/**
		 * Does one round, waiting first where the thread waits.
		 * @return false when the thread's work is done
		 */
		boolean run() throws Exception;

	}

}
