package io.github.jlitestream.core;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.ship.Replica;
import io.github.jlitestream.core.verify.ReplicaVerifier;
import io.github.jlitestream.core.verify.Verification;
import io.github.jlitestream.core.verify.Verification.Outcome;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's scheduled verification, on the thread
 * {@code litestream-verify-<db>-<replica>}: every verify interval, while this instance
 * writes the replica, {@link ReplicaVerifier} restores its latest state and compares it
 * with the database at the same position. A failure is logged at ERROR with the object or
 * the tables, kept in the status (health) until a verification succeeds, and given to the
 * listener (the metric); a verification that cannot compare (nothing uploaded yet, a new
 * generation meanwhile) is skipped, never a false alarm.
 */
final class ReplicaVerification {

	private static final Logger logger = LoggerFactory.getLogger(ReplicaVerification.class);

	private final Replica replica;

	private final Database database;

	private final ReplicaVerifier verifier;

	private final Duration interval;

	private final Clock clock;

	private final ReplicationListener listener;

	private final Signal signal = new Signal();

	private final EngineThread thread;

	private volatile VerificationStatus status = VerificationStatus.NONE;

	private final Instant startedAt;

	private final BooleanSupplier running;

	ReplicaVerification(Replica replica, Database database, Clock clock, BooleanSupplier running,
			ReplicationListener listener) {
		this.replica = replica;
		this.database = database;
		this.interval = replica.options().verifyInterval();
		this.clock = clock;
		this.listener = listener;
		this.startedAt = clock.instant();
		this.running = running;
		this.verifier = new ReplicaVerifier(database, replica.client(), replica.codec(), replica::position,
				new ReplicaVerifier.ShadowHold() {

					@Override
					public void holdFrom(long index) {
						replica.holdShadowFrom(index);
					}

					@Override
					public void release() {
						replica.releaseShadowHold();
					}

				}, Objects.requireNonNull(database.options().metaPath()).resolve("verify-" + replica.name()));
		this.thread = new EngineThread("litestream-verify-" + database.name() + "-" + replica.name(), database.name(),
				listener, running, this.signal);
	}

	void start() {
		this.thread.start(this::round);
	}

	void join(Duration timeout) {
		this.thread.join(timeout);
	}

	ThreadStatus threadStatus() {
		return this.thread.status();
	}

	VerificationStatus status() {
		return this.status;
	}

	/**
	 * Since when the replica has no successful verification: its last, else the start.
	 */
	Instant lastSuccessOrStart() {
		Instant success = this.status.lastSuccessAt();
		return (success != null) ? success : this.startedAt;
	}

	private boolean round() throws IOException {
		this.signal.await(this.interval);
		if (!this.replica.writable()) {
			// a standby: the instance that writes the replica verifies it
			return true;
		}
		Verification verification;
		try {
			verification = this.verifier.verify();
		}
		catch (IOException | RuntimeException ex) {
			if (!this.running.getAsBoolean()) {
				// stopped mid-verification: the database closed under it
				return false;
			}
			throw ex;
		}
		record(verification);
		return true;
	}

	private void record(Verification verification) {
		VerificationStatus before = this.status;
		Duration longest = (verification.writeLockHeld().compareTo(before.longestWriteLock()) > 0)
				? verification.writeLockHeld() : before.longestWriteLock();
		Instant now = this.clock.instant();
		String db = this.database.name();
		switch (verification.outcome()) {
			case SUCCESS -> {
				logger.debug("db={} replica={} verified at {} in {} ms (writers waited {} us)", db, this.replica.name(),
						verification.position(), verification.duration().toMillis(),
						verification.writeLockHeld().toNanos() / 1000);
				if (before.failing()) {
					logger.info("db={} replica={} verification succeeds again at {}", db, this.replica.name(),
							verification.position());
				}
				this.status = new VerificationStatus(now, "success", null, verification.position(), now,
						before.successes() + 1, before.failures(), false, longest);
			}
			case FAILURE -> {
				logger.error("db={} replica={} verification FAILED: {}", db, this.replica.name(),
						verification.problem());
				this.status = new VerificationStatus(now, "failure", verification.problem(), verification.position(),
						before.lastSuccessAt(), before.successes(), before.failures() + 1, true, longest);
			}
			case SKIPPED -> {
				logger.debug("db={} replica={} verification skipped: {}", db, this.replica.name(),
						verification.problem());
				this.status = new VerificationStatus(now, "skipped", verification.problem(), verification.position(),
						before.lastSuccessAt(), before.successes(), before.failures(), before.failing(), longest);
			}
		}
		try {
			this.listener.onVerification(db, this.replica.name(),
					verification.outcome().name().toLowerCase(Locale.ROOT), verification.duration(),
					outcomeProblem(verification));
		}
		catch (RuntimeException ex) {
			logger.warn("db={} the listener failed on a verification: {}", db, ex.toString());
		}
	}

	private static @Nullable String outcomeProblem(Verification verification) {
		return (verification.outcome() == Outcome.SUCCESS) ? null : verification.problem();
	}

}
