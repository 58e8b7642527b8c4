package io.github.jlitestream.core;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A wake-up flag with a timed wait: a raise before the wait is not lost, and one wait
 * consumes every raise before it, so a burst of commits wakes a thread once.
 */
final class Signal {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition raised = this.lock.newCondition();

	private boolean up;

	void raise() {
		this.lock.lock();
		try {
			this.up = true;
			this.raised.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	void await(Duration timeout) {
		this.lock.lock();
		try {
			long nanos = timeout.toNanos();
			while (!this.up && nanos > 0) {
				nanos = this.raised.awaitNanos(nanos);
			}
			this.up = false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.lock.unlock();
		}
	}

}
