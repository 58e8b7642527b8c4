package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The lock over a database's capture state (its connections, generation and shadow WAL
 * position), and the callbacks told after a change made under it. They are told once the
 * lock is released: they wake replica threads, which take it.
 */
final class CaptureLock {

	private final ReentrantLock lock = new ReentrantLock();

	private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

	void onChange(Runnable callback) {
		this.changeListeners.add(callback);
	}

	/** Reads the capture state under the lock. */
	<T> T read(Supplier<T> read) {
		this.lock.lock();
		try {
			return read.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Runs {@code change} under the lock, then tells the callbacks when it reports that
	 * the shadow WAL or the generation changed.
	 * @return whether it changed
	 */
	boolean change(Change change) throws IOException, SQLException {
		boolean changed;
		this.lock.lock();
		try {
			changed = change.run();
		}
		finally {
			this.lock.unlock();
		}
		if (changed) {
			changed();
		}
		return changed;
	}

	/** Tells the callbacks of a change; the caller must not hold the lock. */
	void changed() {
		this.changeListeners.forEach(Runnable::run);
	}

	void lock() {
		this.lock.lock();
	}

	void unlock() {
		this.lock.unlock();
	}

	/** A change of the capture state. */
	@FunctionalInterface
	interface Change {

		/** Makes the change; returns whether the shadow WAL or the generation changed. */
		boolean run() throws IOException, SQLException;

	}

}
