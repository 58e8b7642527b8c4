package io.github.jlitestream.core.util;

import java.time.Duration;

/**
 * A moment by which several waits in a row must end, such as a shutdown's joins and final
 * uploads that together must fit an orchestrator's grace period.
 */
public final class Deadline {

	private final long endNanos;

	private Deadline(long endNanos) {
		this.endNanos = endNanos;
	}

	/** The moment {@code timeout} from now. */
	public static Deadline in(Duration timeout) {
		return new Deadline(System.nanoTime() + timeout.toNanos());
	}

	/**
	 * The time left, at least a millisecond: {@link Thread#join(long)} with 0 would wait
	 * forever.
	 */
	public Duration remaining() {
		return Duration.ofNanos(Math.max(1_000_000, this.endNanos - System.nanoTime()));
	}

	/** Whether the moment has passed. */
	public boolean passed() {
		return System.nanoTime() - this.endNanos >= 0;
	}

}
