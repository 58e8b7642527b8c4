package io.github.jlitestream.core.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds, for tests that wait on background threads. */
public final class Await {

	private Await() {
	}

	/**
	 * Waits until {@code condition} holds, checking every 20 ms.
	 * @throws AssertionError when it does not hold within {@code timeout}
	 */
	public static void until(Duration timeout, Callable<Boolean> condition) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.call()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not met within " + timeout.toSeconds() + " s");
			}
			Thread.sleep(20);
		}
	}

}
