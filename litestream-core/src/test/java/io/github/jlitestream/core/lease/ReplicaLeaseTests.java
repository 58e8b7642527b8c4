package io.github.jlitestream.core.lease;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.github.jlitestream.core.ForwardingReplicaClient;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.StoredLease;
import io.github.jlitestream.core.testing.InMemoryReplicaClient;
import io.github.jlitestream.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplicaLease} on a store in memory, with a wall clock and a monotonic clock the
 * test moves: acquisition, renewal, fencing, standby and the ways a lease is taken over.
 */
class ReplicaLeaseTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final Outage store = new Outage(new InMemoryReplicaClient(this.clock));

	@Test
	void takesAFreeLeaseAndRenewsItEveryThirdOfItsTtl() throws IOException {
		ReplicaLease lease = lease("a", "local-a");
		assertThat(lease.role()).isEqualTo(LeaseRole.ACQUIRING);
		assertThat(lease.mayWrite()).isFalse();
		assertThat(lease.tick()).isEqualTo(Duration.ofSeconds(10));
		assertThat(lease.role()).isEqualTo(LeaseRole.PRIMARY);
		assertThat(lease.mayWrite()).isTrue();
		assertThat(lease.acquisitions()).isEqualTo(1);
		assertThat(lease.takenOverFrom()).isNull();
		String first = this.store.readLease().get().version();
		advance(Duration.ofSeconds(10));
		lease.tick();
		assertThat(this.store.readLease().get().version()).isNotEqualTo(first);
		LeaseRecord record = LeaseRecord.decode(this.store.readLease().get().content(), "lease");
		assertThat(record.instance()).isEqualTo("a");
		assertThat(record.renewedAt()).isEqualTo(this.clock.instant());
		assertThat(record.expiresAt()).isEqualTo(this.clock.instant().plus(TTL));
		assertThat(lease.acquisitions()).isEqualTo(1);
	}

	@Test
	void stopsWritingBeforeTheTtlWhenRenewalsFail() {
		ReplicaLease lease = lease("a", "local-a");
		lease.tick();
		this.store.down = true;
		advance(Duration.ofSeconds(10));
		lease.tick();
		assertThat(lease.mayWrite()).isTrue();
		assertThat(lease.lastError()).contains("store down");
		// 30 s less a sixth of it after the last renewal that started
		advance(Duration.ofSeconds(15).minusNanos(1));
		assertThat(lease.mayWrite()).isTrue();
		advance(Duration.ofNanos(1));
		assertThat(lease.mayWrite()).isFalse();
		assertThat(lease.role()).isEqualTo(LeaseRole.LOST);
		// nobody took it meanwhile: this instance holds it again as soon as the store
		// answers, and knows it was its own
		this.store.down = false;
		lease.tick();
		assertThat(lease.mayWrite()).isTrue();
		assertThat(lease.takenOverFrom()).isNull();
	}

	@Test
	void waitsAsStandbyUntilTheHoldersLeaseIsUnchangedForATtl() {
		ReplicaLease holder = lease("a", "local-a");
		ReplicaLease standby = lease("b", "local-b");
		holder.tick();
		assertThat(standby.tick()).isEqualTo(Duration.ofSeconds(1));
		assertThat(standby.role()).isEqualTo(LeaseRole.STANDBY);
		assertThat(standby.holder().instance()).isEqualTo("a");
		assertThat(standby.mayWrite()).isFalse();
		// the holder renews: the standby's count starts again at each new version
		for (int i = 0; i < 6; i++) {
			advance(Duration.ofSeconds(10));
			holder.tick();
			standby.tick();
			assertThat(standby.role()).isEqualTo(LeaseRole.STANDBY);
		}
		// the holder dies: a whole TTL after the standby first saw its last version
		advance(Duration.ofSeconds(29));
		standby.tick();
		assertThat(standby.role()).isEqualTo(LeaseRole.STANDBY);
		advance(Duration.ofSeconds(1));
		standby.tick();
		assertThat(standby.role()).isEqualTo(LeaseRole.PRIMARY);
		assertThat(standby.takenOverFrom().instance()).isEqualTo("a");
		assertThat(holder.mayWrite()).isFalse();
		// the old holder finds out at its next round, and stays out
		holder.tick();
		assertThat(holder.role()).isEqualTo(LeaseRole.STANDBY);
		assertThat(holder.holder().instance()).isEqualTo("b");
	}

	@Test
	void theHolderStopsWritingBeforeAStandbyCanTakeOver() {
		ReplicaLease holder = lease("a", "local-a");
		ReplicaLease standby = lease("b", "local-b");
		holder.tick();
		standby.tick();
		// the holder loses the store; the standby still reads it
		long lastHolderWrite = -1;
		long firstStandbyWrite = -1;
		for (long second = 0; second < 120; second++) {
			this.store.down = second > 5;
			if (second % 10 == 0) {
				holder.tick();
			}
			this.store.down = false;
			standby.tick();
			if (holder.mayWrite()) {
				lastHolderWrite = second;
			}
			if (standby.mayWrite() && firstStandbyWrite < 0) {
				firstStandbyWrite = second;
			}
			advance(Duration.ofSeconds(1));
		}
		assertThat(standby.role()).isEqualTo(LeaseRole.PRIMARY);
		// a sixth of the TTL between them, for writes the holder had in flight
		assertThat(firstStandbyWrite - lastHolderWrite).isGreaterThanOrEqualTo(TTL.dividedBy(6).toSeconds());
	}

	@Test
	void aReleasedLeaseIsTakenAtOnce() {
		ReplicaLease holder = lease("a", "local-a");
		ReplicaLease standby = lease("b", "local-b");
		holder.tick();
		standby.tick();
		holder.release();
		assertThat(holder.role()).isEqualTo(LeaseRole.RELEASED);
		assertThat(holder.mayWrite()).isFalse();
		standby.tick();
		assertThat(standby.role()).isEqualTo(LeaseRole.PRIMARY);
		assertThat(standby.takenOverFrom().released()).isTrue();
	}

	@Test
	void aLeaseOfAStoppedEngineOfTheSameLocalDirectoryIsTakenAtOnce() {
		// killed: it could not release; its successor holds the local lock it held
		ReplicaLease killed = lease("a", "local-1");
		killed.tick();
		ReplicaLease successor = lease("b", "local-1");
		successor.tick();
		assertThat(successor.role()).isEqualTo(LeaseRole.PRIMARY);
		assertThat(successor.takenOverFrom().instance()).isEqualTo("a");
	}

	@Test
	void aLeaseThatExpiredLongAgoByTheWritersClockIsTakenAtOnce() {
		ReplicaLease dead = lease("a", "local-a");
		dead.tick();
		this.clock.advance(Duration.ofMinutes(2));
		ReplicaLease fresh = lease("b", "local-b");
		fresh.tick();
		assertThat(fresh.role()).isEqualTo(LeaseRole.STANDBY);
		this.clock.advance(Duration.ofSeconds(1));
		fresh.tick();
		assertThat(fresh.role()).isEqualTo(LeaseRole.PRIMARY);
	}

	@Test
	void anUnreadableLeaseObjectIsHeldUntilUnchangedForATtl() throws IOException {
		this.store.createLease("not a lease".getBytes());
		ReplicaLease lease = lease("a", "local-a");
		lease.tick();
		assertThat(lease.role()).isEqualTo(LeaseRole.STANDBY);
		assertThat(lease.holder()).isNull();
		advance(TTL);
		lease.tick();
		assertThat(lease.role()).isEqualTo(LeaseRole.PRIMARY);
	}

	private ReplicaLease lease(String instance, String local) {
		ReplicaLease lease = new ReplicaLease(this.store, "app", "s3", TTL, this.clock, this.nanos::get);
		lease.identify(new LeaseIdentity(instance, "host-" + instance, 100, "/data/app.db", local));
		return lease;
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
		this.clock.advance(duration);
	}

	/** A store whose lease calls fail while it is down. */
	private static final class Outage extends ForwardingReplicaClient {

		volatile boolean down;

		Outage(ReplicaClient delegate) {
			super(delegate);
		}

		@Override
		public Optional<StoredLease> readLease() throws IOException {
			check();
			return super.readLease();
		}

		@Override
		public StoredLease createLease(byte[] content) throws IOException {
			check();
			return super.createLease(content);
		}

		@Override
		public StoredLease replaceLease(StoredLease current, byte[] content) throws IOException {
			check();
			return super.replaceLease(current, content);
		}

		private void check() throws IOException {
			if (this.down) {
				throw new IOException("store down");
			}
		}

	}

}
