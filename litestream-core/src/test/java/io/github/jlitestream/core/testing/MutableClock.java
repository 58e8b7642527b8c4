package io.github.jlitestream.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until a test moves it: policies that depend on time (pacing,
 * retention, restore targets) can then be tested at exact instants, without sleeping.
 */
public final class MutableClock extends Clock {

	private volatile Instant now;

	public MutableClock(Instant start) {
		this.now = start;
	}

	/**
	 * Moves the clock forward (or back, with a negative duration) and returns the new
	 * time.
	 */
	public Instant advance(Duration duration) {
		this.now = this.now.plus(duration);
		return this.now;
	}

	/** Sets the clock to {@code instant}. */
	public void set(Instant instant) {
		this.now = instant;
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("a MutableClock is always UTC");
	}

}
