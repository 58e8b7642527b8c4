package io.github.jlitestream.core.lease;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;

import io.github.jlitestream.core.ConditionalWritesIgnoredException;
import io.github.jlitestream.core.LeaseConflictException;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.StoredLease;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right of one instance to write one replica: a lease object in the store, created
 * only where none exists ({@code If-None-Match: *}), renewed every third of its TTL only
 * if nobody changed it ({@code If-Match}), and marked released at a graceful stop.
 * <p>
 * <b>Fencing.</b> The holder writes only while its last successful renewal started less
 * than the TTL minus a sixth of it ago ({@link #mayWrite()}), by its own monotonic clock.
 * Another instance takes a lease over only once it has seen the same version of the
 * object for a whole TTL by its own monotonic clock (or the object says it was released,
 * or was written by an engine of the local directory this one now has locked, which has
 * therefore stopped). It saw that version after the renewal that wrote it had started, so
 * the holder stops writing a sixth of the TTL before anyone can take over, whatever the
 * two hosts' wall clocks say. A record whose expiry by the writer's clock is more than
 * twice the TTL past is taken over at once: a holder that died long ago.
 * <p>
 * Thread-safe: {@link #tick()} runs on the lease's own thread, so that renewals go on
 * during long uploads; {@link #mayWrite()} is read by every write.
 *
 * @since 0.1.0
 */
public final class ReplicaLease {

	private static final Logger logger = LoggerFactory.getLogger(ReplicaLease.class);

	/** The longest wait between two looks at a lease another instance holds. */
	private static final Duration STANDBY_POLL = Duration.ofSeconds(1);

	private final ReplicaClient store;

	private final String database;

	private final String replica;

	/** Who this instance is; set once its local lock is held. */
	private volatile @Nullable LeaseIdentity me;

	private final Duration ttl;

	private final Clock clock;

	private final LongSupplier nanoTime;

	private volatile LeaseRole role = LeaseRole.ACQUIRING;

	/** The version this instance holds, or null. */
	private @Nullable StoredLease held;

	private @Nullable LeaseRecord heldRecord;

	/** Until when (monotonic nanoseconds) the holder may write; valid while held. */
	private volatile long writableUntil;

	private volatile boolean conditionalWritesChecked;

	/** The record of the other holder seen last, or null. */
	private volatile @Nullable LeaseRecord holder;

	private @Nullable String observedVersion;

	private long observedSince;

	private volatile long acquisitions;

	private volatile @Nullable LeaseRecord takenOverFrom;

	private volatile @Nullable String lastError;

	private boolean failing;

	private volatile int failures;

	/**
	 * Creates the lease of one replica; nothing is read or written before
	 * {@link #tick()}.
	 * @param store the replica's store, not fenced
	 * @param database the database's name, for logs
	 * @param replica the replica's name, for logs and messages
	 * @param ttl how long the lease lasts after each renewal
	 * @param clock the wall clock written into the record
	 * @param nanoTime the monotonic clock of fencing and takeover
	 */
	public ReplicaLease(ReplicaClient store, String database, String replica, Duration ttl, Clock clock,
			LongSupplier nanoTime) {
		if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("'ttl' must be at least 1 second: " + ttl);
		}
		this.store = store;
		this.database = database;
		this.replica = replica;
		this.ttl = ttl;
		this.clock = clock;
		this.nanoTime = nanoTime;
	}

	/**
	 * Says who this instance is, once it holds the local lock of its database: the record
	 * names the local directory's id.
	 */
	public void identify(LeaseIdentity identity) {
		this.me = identity;
	}

	/** What this instance is to the replica now. */
	public LeaseRole role() {
		return (this.role == LeaseRole.PRIMARY && !mayWrite()) ? LeaseRole.LOST : this.role;
	}

	/**
	 * Whether this instance may write the replica now: it holds the lease and renewed it
	 * recently enough that nobody can have taken it over.
	 */
	public boolean mayWrite() {
		return this.role == LeaseRole.PRIMARY && this.nanoTime.getAsLong() - this.writableUntil < 0;
	}

	/** The other instance that holds the lease, as last seen; null when none. */
	public @Nullable LeaseRecord holder() {
		return (this.role == LeaseRole.STANDBY) ? this.holder : null;
	}

	/**
	 * How many times this instance has taken the lease: a replica that sees the count
	 * change reads the store again, since another instance may have written it.
	 */
	public long acquisitions() {
		return this.acquisitions;
	}

	/**
	 * The other instance's record that the last acquisition replaced (released, expired,
	 * or left by a stopped engine of this local directory), or null when the lease was
	 * free or this instance's own.
	 */
	public @Nullable LeaseRecord takenOverFrom() {
		return this.takenOverFrom;
	}

	/**
	 * Whether the last acquisition replaced the lease of an engine of another local
	 * directory (another host, disk or database file), whose writes this instance cannot
	 * check against its own local state.
	 */
	public boolean takenOverFromAnotherDirectory() {
		LeaseRecord from = this.takenOverFrom;
		LeaseIdentity identity = this.me;
		return from != null && identity != null && !from.local().equals(identity.local());
	}

	/** The TTL. */
	public Duration ttl() {
		return this.ttl;
	}

	/** Failed rounds in the current streak. */
	public int failures() {
		return this.failures;
	}

	/** The last failure to read or write the lease, or null. */
	public @Nullable String lastError() {
		return this.lastError;
	}

	/**
	 * One round: checks the store's conditional writes once, then acquires, renews or
	 * looks at the lease.
	 * @return how long until the next round
	 * @throws ConditionalWritesIgnoredException when the store replaced an object that a
	 * conditional create should have kept: no lease can be held there
	 */
	public synchronized Duration tick() {
		long started = this.nanoTime.getAsLong();
		if (this.me == null) {
			throw new IllegalStateException("identify() first");
		}
		try {
			if (!this.conditionalWritesChecked) {
				this.store.checkConditionalWrites();
				this.conditionalWritesChecked = true;
			}
			if (this.role == LeaseRole.PRIMARY && this.held != null) {
				renew(started);
			}
			else {
				acquireOrWatch(started);
			}
			if (this.failing) {
				logger.info("db={} replica={} lease: the store answers again", this.database, this.replica);
				this.failing = false;
			}
			this.lastError = null;
			this.failures = 0;
		}
		catch (ConditionalWritesIgnoredException ex) {
			this.lastError = ex.getMessage();
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			this.lastError = ex.getMessage();
			this.failures++;
			if (!this.failing) {
				logger.warn("db={} replica={} lease: {} failed, retrying: {}", this.database, this.replica,
						(this.role == LeaseRole.PRIMARY) ? "renewal" : "acquisition", ex.getMessage());
				this.failing = true;
			}
			if (this.role == LeaseRole.PRIMARY && !mayWrite()) {
				logger.warn(
						"db={} replica={} lease: not renewed for {} ms; this instance stopped writing the replica "
								+ "and takes the lease again when the store answers",
						this.database, this.replica, this.ttl.minus(margin()).toMillis());
				this.role = LeaseRole.LOST;
			}
		}
		return nextRound(started);
	}

	/**
	 * Gives the lease up at a graceful stop, after the final sync, so that a standby
	 * takes over at once: the object is replaced, if still this instance's, by one that
	 * says it was released. It is not deleted: S3Proxy (and other S3-compatible stores
	 * without conditional deletes) ignores {@code If-Match} on DeleteObject, so a delete
	 * could remove a lease that another instance had just taken.
	 */
	public synchronized void release() {
		StoredLease current = this.held;
		LeaseRecord record = this.heldRecord;
		if (current == null || record == null || !mayWrite()) {
			return;
		}
		this.role = LeaseRole.RELEASED;
		try {
			this.store.replaceLease(current, record.released(this.clock.instant()).encode());
			logger.info("db={} replica={} lease released", this.database, this.replica);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("db={} replica={} lease not released ({}); another instance takes over when it expires",
					this.database, this.replica, ex.getMessage());
		}
		this.held = null;
		this.heldRecord = null;
	}

	/**
	 * Waits until no other instance holds the lease (see {@link LeaseWait}); needs no
	 * {@link #identify identity}.
	 * @param timeout the longest wait
	 * @return why it is free, or empty when the timeout passed first
	 */
	public Optional<String> awaitFree(Duration timeout) throws IOException, InterruptedException {
		return new LeaseWait(this.store, this.ttl, this.clock, this.nanoTime).awaitFree(timeout);
	}

	private void renew(long started) throws IOException {
		LeaseRecord renewed = this.heldRecord.renewed(this.clock.instant());
		try {
			this.held = this.store.replaceLease(this.held, renewed.encode());
			this.heldRecord = renewed;
			this.writableUntil = started + writableFor();
		}
		catch (LeaseConflictException ex) {
			lost("another instance changed the lease object: " + ex.getMessage());
			// says who holds it now (or takes it again when it is free)
			acquireOrWatch(started);
		}
	}

	private void acquireOrWatch(long started) throws IOException {
		Optional<StoredLease> current = this.store.readLease();
		LeaseRecord mine = newRecord();
		if (current.isEmpty()) {
			try {
				acquired(this.store.createLease(mine.encode()), mine, null, started);
			}
			catch (FileAlreadyExistsException ex) {
				// another instance created it meanwhile: looked at next round
				logger.debug("db={} replica={} lease created by another instance meanwhile", this.database,
						this.replica);
			}
			return;
		}
		StoredLease stored = current.get();
		@Nullable LeaseRecord record = decode(stored);
		if (!stored.version().equals(this.observedVersion)) {
			this.observedVersion = stored.version();
			this.observedSince = started;
		}
		@Nullable String reason = takeoverReason(record, started);
		if (reason == null) {
			if (this.role != LeaseRole.STANDBY || !sameRecord(record, this.holder)) {
				logger.info(
						"db={} replica={} standby: the replica's lease is held by {}; this instance takes over "
								+ "when it is released or expires",
						this.database, this.replica,
						(record != null) ? record.describe() : "an unreadable lease object");
			}
			this.holder = record;
			this.role = LeaseRole.STANDBY;
			return;
		}
		try {
			StoredLease taken = this.store.replaceLease(stored, mine.encode());
			boolean own = record != null && record.sameHolder(mine);
			acquired(taken, mine, own ? null : record, started);
			if (!own) {
				logger.info("db={} replica={} took the lease over ({}): was {}", this.database, this.replica, reason,
						(record != null) ? record.describe() : "an unreadable lease object");
			}
		}
		catch (LeaseConflictException ex) {
			logger.debug("db={} replica={} lease changed while taking it over: {}", this.database, this.replica,
					ex.getMessage());
		}
	}

	/**
	 * Why this instance may take the lease now, or null (see
	 * {@link LeaseWait#takeoverReason}).
	 */
	private @Nullable String takeoverReason(@Nullable LeaseRecord record, long now) {
		return LeaseWait.takeoverReason(record, newRecord(), now - this.observedSince, this.ttl, this.clock);
	}

	private void acquired(StoredLease stored, LeaseRecord record, @Nullable LeaseRecord from, long started) {
		this.held = stored;
		this.heldRecord = record;
		this.writableUntil = started + writableFor();
		this.takenOverFrom = from;
		this.holder = null;
		this.observedVersion = null;
		this.acquisitions++;
		this.role = LeaseRole.PRIMARY;
		if (from == null) {
			logger.info("db={} replica={} primary: holds the replica's lease (ttl {} s)", this.database, this.replica,
					this.ttl.toSeconds());
		}
	}

	private void lost(String why) {
		logger.warn("db={} replica={} lost the lease, stopped writing the replica: {}", this.database, this.replica,
				why);
		this.held = null;
		this.heldRecord = null;
		this.role = LeaseRole.STANDBY;
	}

	private LeaseRecord newRecord() {
		Instant now = this.clock.instant();
		LeaseIdentity identity = identity();
		return new LeaseRecord(identity.instance(), identity.host(), identity.pid(), identity.database(),
				identity.local(), now, now, this.ttl, null);
	}

	private LeaseIdentity identity() {
		LeaseIdentity identity = this.me;
		if (identity == null) {
			throw new IllegalStateException("identify() first");
		}
		return identity;
	}

	private @Nullable LeaseRecord decode(StoredLease stored) {
		try {
			return LeaseRecord.decode(stored.content(), this.store.location() + " lease");
		}
		catch (IllegalArgumentException ex) {
			if (!sameVersion(stored)) {
				logger.warn("db={} replica={} {}; it is treated as held until unchanged for {} s", this.database,
						this.replica, ex.getMessage(), this.ttl.toSeconds());
			}
			return null;
		}
	}

	private boolean sameVersion(StoredLease stored) {
		return stored.version().equals(this.observedVersion);
	}

	private static boolean sameRecord(@Nullable LeaseRecord a, @Nullable LeaseRecord b) {
		return (a == null) ? b == null : (b != null && a.sameHolder(b) && a.acquiredAt().equals(b.acquiredAt()));
	}

	private Duration nextRound(long started) {
		Duration round = (this.role == LeaseRole.PRIMARY) ? this.ttl.dividedBy(3)
				: min(this.ttl.dividedBy(3), STANDBY_POLL);
		Duration spent = Duration.ofNanos(this.nanoTime.getAsLong() - started);
		Duration left = round.minus(spent);
		return left.isNegative() ? Duration.ZERO : left;
	}

	private long writableFor() {
		return this.ttl.minus(margin()).toNanos();
	}

	private Duration margin() {
		return this.ttl.dividedBy(6);
	}

	/** How often a standby looks at the lease: a third of the TTL, at most a second. */
	static Duration standbyPoll(Duration ttl) {
		return min(ttl.dividedBy(3), STANDBY_POLL);
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

}
