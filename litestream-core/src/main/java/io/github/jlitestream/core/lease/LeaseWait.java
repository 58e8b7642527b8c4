package io.github.jlitestream.core.lease;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.StoredLease;
import org.jspecify.annotations.Nullable;

/**
 * When a replica's lease is free to take, and the wait for it without taking it: for a
 * restore at start that must include the previous holder's final sync.
 */
final class LeaseWait {

	private final ReplicaClient store;

	private final Duration ttl;

	private final Clock clock;

	private final LongSupplier nanoTime;

	LeaseWait(ReplicaClient store, Duration ttl, Clock clock, LongSupplier nanoTime) {
		this.store = store;
		this.ttl = ttl;
		this.clock = clock;
		this.nanoTime = nanoTime;
	}

	/**
	 * Waits until no other instance holds the lease: there is none, it was released, it
	 * stayed unchanged for a TTL, or it expired long ago. A restore at start that waits
	 * for this includes the holder's final sync.
	 * @param timeout the longest wait
	 * @return why it is free, or empty when the timeout passed first
	 */
	Optional<String> awaitFree(Duration timeout) throws IOException, InterruptedException {
		long start = this.nanoTime.getAsLong();
		@Nullable String version = null;
		long since = start;
		while (true) {
			Optional<StoredLease> current = this.store.readLease();
			long now = this.nanoTime.getAsLong();
			if (current.isEmpty()) {
				return Optional.of("no lease");
			}
			@Nullable LeaseRecord record = decode(current.get());
			if (record != null && record.released()) {
				return Optional.of("released by " + record.describe());
			}
			if (!current.get().version().equals(version)) {
				version = current.get().version();
				since = now;
			}
			if (now - since >= this.ttl.toNanos()) {
				return Optional.of("unchanged for " + this.ttl.toSeconds() + " s");
			}
			if (record != null && longExpired(record, this.ttl, this.clock)) {
				return Optional.of("expired at " + record.expiresAt());
			}
			if (now - start >= timeout.toNanos()) {
				return Optional.empty();
			}
			Thread.sleep(ReplicaLease.standbyPoll(this.ttl).toMillis());
		}
	}

	/**
	 * Why an instance may take the lease now, or null when it must wait: the record is
	 * its own, released, left by a stopped engine of the same local directory (which the
	 * instance has locked), unchanged for a TTL, or long expired.
	 * @param record the stored record, or null when it is unreadable
	 * @param mine the record the instance would write
	 * @param unchangedFor nanoseconds since the instance first saw this version
	 */
	static @Nullable String takeoverReason(@Nullable LeaseRecord record, LeaseRecord mine, long unchangedFor,
			Duration ttl, Clock clock) {
		if (record != null && record.sameHolder(mine)) {
			return "this instance's own";
		}
		if (record != null && record.released()) {
			return "released";
		}
		if (record != null && record.local().equals(mine.local())) {
			return "left by a stopped engine of this database's local directory";
		}
		if (unchangedFor >= ttl.toNanos()) {
			return "unchanged for " + ttl.toSeconds() + " s";
		}
		if (record != null && longExpired(record, ttl, clock)) {
			return "expired at " + record.expiresAt();
		}
		return null;
	}

	/**
	 * Whether the record expired by its writer's clock more than a TTL plus a minute (or
	 * two TTLs) ago: clocks are not that far apart.
	 */
	static boolean longExpired(LeaseRecord record, Duration ttl, Clock clock) {
		Duration allowance = (ttl.compareTo(Duration.ofMinutes(1)) > 0) ? ttl : Duration.ofMinutes(1);
		return record.expiresAt().plus(allowance).plus(ttl).isBefore(clock.instant());
	}

	private @Nullable LeaseRecord decode(StoredLease stored) {
		try {
			return LeaseRecord.decode(stored.content(), this.store.location() + " lease");
		}
		catch (IllegalArgumentException ex) {
			// unreadable: held until unchanged for a TTL
			return null;
		}
	}

}
