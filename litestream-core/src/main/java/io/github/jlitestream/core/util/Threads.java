package io.github.jlitestream.core.util;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

import org.jspecify.annotations.Nullable;

/**
 * The engine's threads are daemons: a replication thread must never keep an application's
 * JVM alive after its main thread ended (the graceful stop runs from the application's
 * shutdown instead).
 *
 * @since 0.1.0
 */
public final class Threads {

	private Threads() {
	}

	/** Starts a daemon thread named {@code name} running {@code body}. */
	public static Thread startDaemon(String name, Runnable body) {
		Thread thread = daemonFactory(name).newThread(body);
		thread.start();
		return thread;
	}

	/**
	 * A factory of daemon threads that all carry {@code name}, for an executor's pool.
	 */
	public static ThreadFactory daemonFactory(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Waits for {@code thread} to end, at most {@code timeout}; an interrupt ends the
	 * wait and stays set.
	 */
	public static void join(@Nullable Thread thread, Duration timeout) {
		if (thread != null) {
			try {
				thread.join(timeout.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Sleeps {@code duration} (nothing when negative); an interrupt ends the sleep and
	 * stays set.
	 */
	public static void sleep(Duration duration) {
		try {
			Thread.sleep(Math.max(0, duration.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
