package io.github.jlitestream.s3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ForwardingReplicaClient;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.lease.LeaseRole;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import io.github.jlitestream.s3.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replica lease on S3Proxy with two instances (two engines in this JVM, each with its
 * own database file): the holder loses the store (a TCP proxy in front of it is cut) for
 * longer than the TTL while the other waits.
 */
class S3LeaseTests {

	private static final String URL = "s3://lease/apps/app.db";

	private static final Duration TTL = Duration.ofSeconds(3);

	@TempDir
	Path dir;

	private S3ProxyServer server;

	private TcpProxy proxy;

	@BeforeEach
	void start() throws IOException {
		this.server = S3ProxyServer.startInMemory();
		this.server.createBucket("lease");
		this.proxy = TcpProxy.to(this.server.port());
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.server.close();
	}

	@Test
	void holderThatLosesTheStoreStopsWritingBeforeTheOtherTakesOver() throws Exception {
		Path holderPath = this.dir.resolve("holder/app.db");
		Path otherPath = this.dir.resolve("other/app.db");
		Files.createDirectories(holderPath.getParent());
		Files.createDirectories(otherPath.getParent());
		Recording holderWrites = new Recording(this.server.clientFactory()
			.endpoint(this.proxy.endpoint())
			// retries a pooled connection that S3Proxy closed after a 412
			.maxAttempts(3)
			.retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
			.connectTimeout(Duration.ofMillis(500))
			.socketTimeout(Duration.ofSeconds(1))
			.build()
			.create(URL));
		Recording otherWrites = new Recording(this.server.clientFactory().build().create(URL));
		AtomicBoolean writing = new AtomicBoolean(true);
		try (Connection holderApp = Sql.connect(holderPath); Connection otherApp = Sql.connect(otherPath)) {
			Sql.execute(holderApp, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			Sql.execute(otherApp, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
					"INSERT INTO t VALUES (1, 'the other instance')");
			ReplicationManager holder = manager(holderPath, holderWrites);
			ReplicationManager other = manager(otherPath, otherWrites);
			Thread writer = new Thread(() -> {
				try (Connection connection = Sql.connect(holderPath)) {
					for (int id = 1; writing.get(); id++) {
						Sql.execute(connection, "INSERT INTO t (id, v) VALUES (" + id + ", 'row')");
						Thread.sleep(5);
					}
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			try {
				holder.start();
				await(() -> role(holder) == LeaseRole.PRIMARY);
				writer.start();
				other.start();
				await(() -> role(other) == LeaseRole.STANDBY && !holderWrites.written.isEmpty());
				assertThat(otherWrites.written).isEmpty();
				this.proxy.cut();
				await(() -> role(other) == LeaseRole.PRIMARY);
				assertThat(role(holder)).isIn(LeaseRole.LOST, LeaseRole.STANDBY);
				long holderLast = holderWrites.written.values().stream().mapToLong(Long::longValue).max().orElseThrow();
				await(() -> !otherWrites.written.isEmpty());
				long otherFirst = otherWrites.written.values().stream().mapToLong(Long::longValue).min().orElseThrow();
				assertThat(otherFirst).as("the other instance writes only after the holder's last write")
					.isGreaterThan(holderLast);
				assertThat(holderWrites.written.keySet()).doesNotContainAnyElementsOf(otherWrites.written.keySet());
				// the store comes back: the old holder sees the new one and stays out
				int holderCount = holderWrites.written.size();
				this.proxy.heal();
				await(() -> role(holder) == LeaseRole.STANDBY);
				Thread.sleep(500);
				assertThat(holderWrites.written).hasSize(holderCount);
			}
			finally {
				writing.set(false);
				writer.join();
				other.stop();
				holder.stop();
			}
			Generation otherGeneration = other.status().get(0).position().generation();
			Path latest = this.dir.resolve("latest.db");
			new Restorer(ReplicaCodec.litestream()).restore(otherWrites, RestoreOptions.latest(latest),
					RestoreProgress.NONE);
			assertThat(Sql.dump(latest)).isEqualTo(Sql.dump(otherApp));
			for (Generation generation : otherWrites.generations()) {
				if (generation.equals(otherGeneration)) {
					continue;
				}
				// the holder's generation, cut short by the outage: a prefix of its rows
				Path older = this.dir.resolve("holder-" + generation + ".db");
				new Restorer(ReplicaCodec.litestream()).restore(otherWrites,
						RestoreOptions.builder(older).generation(generation).build(), RestoreProgress.NONE);
				long rows = Sql.count(older, "t");
				assertThat(rows).isPositive();
				assertThat(Sql.integrityCheck(older)).isEqualTo("ok");
				assertThat(Sql.dump(older).get("t")).isEqualTo(Sql.dump(holderApp).get("t").subList(0, (int) rows));
			}
			assertThat(otherWrites.generations()).hasSize(2);
		}
	}

	@Test
	void aStoreThatDoesNotAnswerDelaysTheStartOnlyBriefly() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Connection app = Sql.connect(path);
				S3ReplicaClient client = this.server.clientFactory()
					.endpoint(this.proxy.endpoint())
					.maxAttempts(1)
					.socketTimeout(Duration.ofSeconds(60))
					.build()
					.create(URL)) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			this.proxy.stall();
			ReplicationManager manager = manager(path, client);
			Thread start = new Thread(manager::start);
			start.start();
			// the lease's first round waits for the store for 5 s, a request for 60 s
			start.join(30_000);
			try {
				assertThat(start.isAlive()).as("the start waits for a store that does not answer").isFalse();
				assertThat(manager.isRunning()).isTrue();
				assertThat(role(manager)).isEqualTo(LeaseRole.ACQUIRING);
			}
			finally {
				this.proxy.heal();
				manager.stop();
			}
		}
	}

	private ReplicationManager manager(Path path, ReplicaClient client) {
		ReplicationManager manager = new ReplicationManager();
		manager.add("app", DatabaseOptions.builder(path).monitorInterval(Duration.ofMillis(50)).build(),
				List.of(new ReplicaSpec(client,
						ReplicaOptions.builder("s3").syncInterval(Duration.ofMillis(50)).leaseTtl(TTL).build())));
		return manager;
	}

	private static LeaseRole role(ReplicationManager manager) {
		return manager.status().get(0).replicas().get(0).lease().role();
	}

	private static void await(Callable<Boolean> condition) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!condition.call()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not met within 30 s");
			}
			Thread.sleep(20);
		}
	}

	/** Records when each object it wrote was stored (monotonic nanoseconds). */
	private static final class Recording extends ForwardingReplicaClient {

		final Map<String, Long> written = new ConcurrentHashMap<>();

		Recording(ReplicaClient delegate) {
			super(delegate);
		}

		@Override
		public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression,
				ObjectContent content) throws IOException {
			SnapshotInfo info = super.writeSnapshot(generation, index, compression, content);
			this.written.put("snapshot " + generation + "/" + index, System.nanoTime());
			return info;
		}

		@Override
		public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
				ObjectContent content) throws IOException {
			WalSegmentInfo info = super.writeWalSegment(generation, index, offset, compression, content);
			this.written.put("wal " + generation + "/" + index + "/" + offset, System.nanoTime());
			return info;
		}

	}

}
