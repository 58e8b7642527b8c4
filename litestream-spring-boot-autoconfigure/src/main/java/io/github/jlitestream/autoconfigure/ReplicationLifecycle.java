package io.github.jlitestream.autoconfigure;

import java.time.Duration;

import io.github.jlitestream.core.ReplicationManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts replication once the context has started and stops it, after a final sync,
 * before singletons (the DataSource among them) are destroyed. Its phase is below the web
 * server's, so it starts before requests are served and stops after the last one.
 *
 * @since 0.1.0
 */
public class ReplicationLifecycle implements SmartLifecycle {

	/**
	 * Stops after the web server (graceful shutdown runs at {@code DEFAULT_PHASE - 1024}
	 * and below).
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(ReplicationLifecycle.class);

	private final ReplicationManager manager;

	private final Duration shutdownTimeout;

	public ReplicationLifecycle(ReplicationManager manager) {
		this(manager, ReplicationManager.DEFAULT_STOP_TIMEOUT);
	}

	/**
	 * A lifecycle whose stop, final sync included, takes at most {@code shutdownTimeout}.
	 * @param manager the replication
	 * @param shutdownTimeout the bound of the stop
	 * @since 0.2.0
	 */
	public ReplicationLifecycle(ReplicationManager manager, Duration shutdownTimeout) {
		this.manager = manager;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void start() {
		if (this.manager.databases().isEmpty()) {
			logger.info("Litestream: no database to replicate (set litestream.databases.<name>.path and replicas)");
			return;
		}
		this.manager.start();
	}

	@Override
	public void stop() {
		if (this.manager.isRunning() && !this.manager.stop(this.shutdownTimeout)) {
			logger.warn("Litestream: the final sync did not reach every replica within litestream.shutdown-timeout "
					+ "({}); see the warnings above", this.shutdownTimeout);
		}
	}

	@Override
	public boolean isRunning() {
		return this.manager.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
