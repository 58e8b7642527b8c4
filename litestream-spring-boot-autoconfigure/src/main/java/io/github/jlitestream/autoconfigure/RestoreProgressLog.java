package io.github.jlitestream.autoconfigure;

import java.time.Duration;

import io.github.jlitestream.core.restore.RestoreProgress;
import org.slf4j.Logger;

/**
 * Logs a startup restore's progress at INFO every ten seconds, once it lasts that long: a
 * large database's restore holds the start for minutes, and the log must show it moving.
 * A short restore logs only its result.
 */
final class RestoreProgressLog implements RestoreProgress {

	static final Duration EVERY = Duration.ofSeconds(10);

	private final Logger logger;

	private final long everyNanos;

	private final String database;

	private final long startedAt = System.nanoTime();

	private long nextAt;

	RestoreProgressLog(Logger logger, String database) {
		this(logger, database, EVERY);
	}

	RestoreProgressLog(Logger logger, String database, Duration every) {
		this.logger = logger;
		this.database = database;
		this.everyNanos = every.toNanos();
		this.nextAt = this.startedAt + this.everyNanos;
	}

	@Override
	public synchronized void progress(int objectsDone, int objectsTotal, long bytesDownloaded) {
		long now = System.nanoTime();
		if (now < this.nextAt) {
			return;
		}
		this.nextAt = now + this.everyNanos;
		double seconds = Math.max(1e-3, (now - this.startedAt) / 1e9);
		this.logger.info("db={} restoring: {} of {} objects, {} MB downloaded in {} s ({} MB/s)", this.database,
				objectsDone, objectsTotal, String.format("%.1f", bytesDownloaded / 1e6), Math.round(seconds),
				String.format("%.1f", bytesDownloaded / 1e6 / seconds));
	}

}
