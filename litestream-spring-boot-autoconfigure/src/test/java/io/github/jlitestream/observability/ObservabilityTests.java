package io.github.jlitestream.observability;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import io.github.jlitestream.actuate.endpoint.LitestreamEndpoint;
import io.github.jlitestream.autoconfigure.LitestreamAutoConfiguration;
import io.github.jlitestream.autoconfigure.endpoint.LitestreamEndpointAutoConfiguration;
import io.github.jlitestream.autoconfigure.health.LitestreamHealthContributorAutoConfiguration;
import io.github.jlitestream.autoconfigure.metrics.LitestreamMetricsAutoConfiguration;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.util.Failpoints;
import io.github.jlitestream.health.LitestreamHealthContributor;
import io.github.jlitestream.health.LitestreamHealthIndicator;
import io.github.jlitestream.metrics.LitestreamMetricNames;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Metrics, health and the endpoint against a real S3 store (S3Proxy on loopback) that the
 * tests cut off and bring back.
 */
class ObservabilityTests {

	private static S3ProxyServer s3;

	@TempDir
	Path dir;

	@BeforeAll
	static void startS3() {
		s3 = S3ProxyServer.startInMemory();
	}

	@AfterAll
	static void stopS3() {
		s3.close();
	}

	private ApplicationContextRunner runner(String bucket) {
		s3.createBucket(bucket);
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					LitestreamAutoConfiguration.class, LitestreamMetricsAutoConfiguration.class,
					LitestreamHealthContributorAutoConfiguration.class, LitestreamEndpointAutoConfiguration.class))
			.withBean(AwsCredentialsProvider.class,
					() -> StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
			.withPropertyValues("management.endpoints.web.exposure.include=litestream",
					"litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.monitor-interval=50ms",
					"litestream.databases.app.replicas[0].url=s3://" + bucket + "/app",
					"litestream.databases.app.replicas[0].endpoint=" + s3.endpoint(),
					"litestream.databases.app.replicas[0].sync-interval=100ms", "litestream.health.max-lag=2s");
	}

	@Test
	void secondInstanceOnTheSameFileIsAStandbyInHealthEndpointAndMetrics() throws Exception {
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			runner("roles").run((first) -> runner("roles").run((second) -> {
				LitestreamEndpoint.DatabaseDescriptor primary = first.getBean(LitestreamEndpoint.class)
					.status()
					.databases()
					.get("app");
				LitestreamEndpoint.DatabaseDescriptor standby = second.getBean(LitestreamEndpoint.class)
					.status()
					.databases()
					.get("app");
				assertThat(primary.role()).isEqualTo("primary");
				assertThat(primary.replicatedBy()).isNull();
				assertThat(primary.replicas().get("s3").lease().role()).isEqualTo("primary");
				assertThat(primary.replicas().get("s3").lease().ttlSeconds()).isEqualTo(30.0);
				assertThat(standby.role()).isEqualTo("standby");
				assertThat(standby.replicatedBy()).contains("pid " + ProcessHandle.current().pid());

				Health health = second.getBean(LitestreamHealthContributor.class).indicator().health(true);
				assertThat(health.getStatus()).as("a standby serves: only replication waits").isEqualTo(Status.UP);
				@SuppressWarnings("unchecked")
				Map<String, Object> details = (Map<String, Object>) health.getDetails().get("app");
				assertThat(details).containsEntry("role", "standby");
				assertThat(details.get("replicatedBy").toString()).contains("pid " + ProcessHandle.current().pid());
				@SuppressWarnings("unchecked")
				Map<String, Object> primaryDetails = (Map<String, Object>) first
					.getBean(LitestreamHealthContributor.class)
					.indicator()
					.health(true)
					.getDetails()
					.get("app");
				assertThat(primaryDetails).containsEntry("role", "primary");

				assertThat(
						first.getBean(MeterRegistry.class).get("litestream.db.role").tags("db", "app").gauge().value())
					.isEqualTo(1);
				assertThat(
						second.getBean(MeterRegistry.class).get("litestream.db.role").tags("db", "app").gauge().value())
					.isEqualTo(0);
				assertThat(first.getBean(MeterRegistry.class)
					.get("litestream.replica.lease")
					.tags("db", "app", "replica", "s3")
					.gauge()
					.value()).isEqualTo(1);
			}));
		}
	}

	@Test
	void lagRisesWhileTheStoreIsDownAndReturnsToZero() throws Exception {
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			runner("outage")
				.withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class,
						HealthEndpointAutoConfiguration.class))
				// the order the README gives, so that the root shows LAGGING (Spring Boot
				// leaves statuses out of its order out of the aggregate)
				.withPropertyValues("management.endpoints.web.exposure.include=litestream,health",
						"management.endpoint.health.status.order=down,out-of-service,lagging,up,unknown")
				.run((context) -> {
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					LitestreamHealthIndicator health = context.getBean(LitestreamHealthContributor.class).indicator();
					HealthEndpoint root = context.getBean(HealthEndpoint.class);
					HttpCodeStatusMapper http = context.getBean(HttpCodeStatusMapper.class);
					Sql.execute(app, "INSERT INTO t VALUES ('before')");
					waitFor(() -> lag(registry) == 0 && syncs(registry) > 0);
					assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);

					s3.stop();
					try {
						Sql.execute(app, "INSERT INTO t VALUES ('during the outage')");
						waitFor(() -> lag(registry) > 0.5);
						double first = lag(registry);
						Thread.sleep(700);
						assertThat(lag(registry)).as("the lag keeps growing").isGreaterThan(first + 0.5);
						waitFor(() -> lag(registry) > 2.5);
						Health lagging = health.health(true);
						// issue 15.3: a store's outage does not take the serving
						// application
						// out of its load balancer (nor restart it through a liveness
						// probe)
						assertThat(lagging.getStatus()).isEqualTo(LitestreamHealthIndicator.LAGGING);
						assertThat(root.health().getStatus()).isEqualTo(LitestreamHealthIndicator.LAGGING);
						// issue 15.3: one component per database, for health groups and
						// probes
						assertThat(root.healthForPath("litestream", "app").getStatus())
							.isEqualTo(LitestreamHealthIndicator.LAGGING);
						assertThat(root.healthForPath("litestream", "nope")).isNull();
						assertThat(http.getStatusCode(root.health().getStatus())).isEqualTo(200);
						assertThat(lagging.toString()).doesNotContain(s3.secretKey()).doesNotContain(s3.accessKey());
						@SuppressWarnings("unchecked")
						Map<String, Object> details = (Map<String, Object>) lagging.getDetails().get("app");
						assertThat(details.toString()).contains("lastError").contains("LAGGING");
					}
					finally {
						s3.start();
					}
					waitFor(() -> lag(registry) == 0);
					waitFor(() -> health.health(true).getStatus().equals(Status.UP));
					assertThat(registry.get("litestream.sync")
						.tags("db", "app", "replica", "s3", "outcome", "failure")
						.timer()
						.count()).isPositive();
				});
		}
	}

	/**
	 * Issue 16.2: a replica with {@code verify-interval} shows its verifications in the
	 * {@code litestream.verification} timer and age gauge, its health component and the
	 * endpoint; a byte flipped in one of its segments makes it unhealthy, naming the
	 * object, and counts a failure.
	 */
	@Test
	void scheduledVerificationShowsInMetricsHealthAndTheEndpoint() throws Exception {
		Path local = this.dir.resolve("local");
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			runner("verified")
				.withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class,
						HealthEndpointAutoConfiguration.class))
				.withPropertyValues("management.endpoints.web.exposure.include=litestream,health",
						"litestream.databases.app.replicas.local.url=" + local.toUri(),
						"litestream.databases.app.replicas.local.sync-interval=50ms",
						"litestream.databases.app.replicas.local.snapshot-interval=0",
						"litestream.databases.app.replicas.local.verify-interval=100ms")
				.run((context) -> {
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					LitestreamHealthIndicator health = context.getBean(LitestreamHealthContributor.class).indicator();
					LitestreamEndpoint endpoint = context.getBean(LitestreamEndpoint.class);
					Sql.execute(app, "INSERT INTO t VALUES ('verified')");
					waitFor(() -> verifications(registry, "success") >= 2);
					assertThat(registry.get(LitestreamMetricNames.VERIFICATION_AGE)
						.tags("db", "app", "replica", "local")
						.timeGauge()
						.value(TimeUnit.SECONDS)).isLessThan(60);
					assertThat(registry.find(LitestreamMetricNames.VERIFICATION_AGE).tags("replica", "s3").meter())
						.as("no gauge without verification")
						.isNull();
					Health verified = health.replicaHealth("app", "local");
					assertThat(verified.getStatus()).isEqualTo(Status.UP);
					assertThat(verified.getDetails().get("verification").toString()).contains("outcome=success");
					LitestreamEndpoint.VerificationDescriptor descriptor = endpoint.status()
						.databases()
						.get("app")
						.replicas()
						.get("local")
						.verification();
					assertThat(descriptor.successes()).isPositive();
					assertThat(descriptor.intervalSeconds()).isEqualTo(0.1);
					assertThat(endpoint.status().databases().get("app").replicas().get("s3").verification()).isNull();

					Path segment;
					try (Stream<Path> files = Files.walk(local.resolve("generations"))) {
						segment = files.filter((file) -> file.toString().endsWith(".wal.lz4"))
							.max(Comparator.naturalOrder())
							.orElseThrow();
					}
					byte[] bytes = Files.readAllBytes(segment);
					bytes[bytes.length / 2] ^= 0x5a;
					segment.toFile().setWritable(true);
					Files.write(segment, bytes);
					waitFor(() -> health.replicaHealth("app", "local")
						.getStatus()
						.equals(LitestreamHealthIndicator.LAGGING));
					assertThat(health.replicaHealth("app", "local").getDetails().get("verification").toString())
						.contains("outcome=failure")
						.contains(segment.getFileName().toString());
					assertThat(verifications(registry, "failure")).isPositive();
					assertThat(
							endpoint.status().databases().get("app").replicas().get("local").verification().problem())
						.contains(segment.getFileName().toString());
				});
		}
	}

	private static long verifications(MeterRegistry registry, String outcome) {
		return registry.get(LitestreamMetricNames.VERIFICATION)
			.tags("db", "app", "replica", "local", "outcome", outcome)
			.timer()
			.count();
	}

	/**
	 * Issue 15.3: each replica is a health component of its database's
	 * ({@code /actuator/health/litestream/app/<replica>}), so a group can watch one
	 * store; an unreachable store makes its own replica and the database LAGGING, the
	 * other replica stays UP.
	 */
	@Test
	void eachReplicaIsAHealthComponentOfItsDatabase() throws Exception {
		int closed;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed = socket.getLocalPort();
		}
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			runner("replicas")
				.withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class,
						HealthEndpointAutoConfiguration.class))
				.withPropertyValues("management.endpoints.web.exposure.include=litestream,health",
						"management.endpoint.health.status.order=down,out-of-service,lagging,up,unknown",
						"litestream.databases.app.replicas.unreachable.url=s3://unreachable/app",
						"litestream.databases.app.replicas.unreachable.endpoint=http://127.0.0.1:" + closed,
						"litestream.databases.app.replicas.unreachable.sync-interval=100ms")
				.run((context) -> {
					HealthEndpoint root = context.getBean(HealthEndpoint.class);
					LitestreamHealthIndicator health = context.getBean(LitestreamHealthContributor.class).indicator();
					Sql.execute(app, "INSERT INTO t VALUES ('x')");
					waitFor(() -> root.healthForPath("litestream", "app", "unreachable")
						.getStatus()
						.equals(LitestreamHealthIndicator.LAGGING));
					assertThat(root.healthForPath("litestream", "app", "s3").getStatus()).isEqualTo(Status.UP);
					assertThat(root.healthForPath("litestream", "app").getStatus())
						.isEqualTo(LitestreamHealthIndicator.LAGGING);
					assertThat(root.healthForPath("litestream", "app", "nope")).isNull();
					Health unreachable = health.replicaHealth("app", "unreachable");
					assertThat(unreachable.getDetails()).containsKeys("lastError", "lag", "location")
						.containsEntry("database", this.dir.resolve("app.db").toString());
					assertThat(health.replicaHealth("app", "s3").getDetails()).doesNotContainKey("lastError");
				});
		}
	}

	/**
	 * Issue 14, scenario 5: an engine thread that fails with an Error is DOWN in health
	 * (naming the thread and the Error), counted by {@code litestream.thread.failures},
	 * shown as failing by the endpoint, and UP again once it works.
	 */
	@Test
	void aMonitorFailingWithAnErrorIsDownCountedAndShownUntilItWorksAgain() throws Exception {
		AtomicBoolean broken = new AtomicBoolean();
		Failpoints.set((place) -> {
			if (broken.get() && place.equals(Failpoints.CHECKPOINT_BACKFILL)
					&& Thread.currentThread().getName().equals("litestream-monitor-app")) {
				throw new NoClassDefFoundError("injected into the monitor's checkpoint");
			}
		});
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			runner("threads").withPropertyValues("litestream.databases.app.min-checkpoint-page-count=5",
					"litestream.databases.app.max-checkpoint-page-count=20", "litestream.health.unhealthy-status=down")
				.withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class,
						HealthEndpointAutoConfiguration.class))
				.withPropertyValues("management.endpoints.web.exposure.include=litestream,health")
				.run((context) -> {
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					LitestreamHealthIndicator health = context.getBean(LitestreamHealthContributor.class).indicator();
					LitestreamEndpoint endpoint = context.getBean(LitestreamEndpoint.class);
					assertThat(threadFailures(registry)).as("registered at zero").isZero();
					waitFor(() -> health.health(true).getStatus().equals(Status.UP));
					broken.set(true);
					waitFor(() -> {
						Sql.execute(app, "INSERT INTO t VALUES ('" + "x".repeat(2000) + "')");
						return threadFailures(registry) > 0 && health.health(true).getStatus().equals(Status.DOWN);
					});
					Health down = health.health(true);
					// opted in: DOWN, HTTP 503
					HealthEndpoint root = context.getBean(HealthEndpoint.class);
					assertThat(context.getBean(HttpCodeStatusMapper.class).getStatusCode(root.health().getStatus()))
						.isEqualTo(503);
					@SuppressWarnings("unchecked")
					Map<String, Object> details = (Map<String, Object>) down.getDetails().get("app");
					assertThat(details.get("failingThreads").toString()).contains("litestream-monitor-app")
						.contains("java.lang.NoClassDefFoundError: injected into the monitor's checkpoint");
					// every replica of the database misses new commits meanwhile
					Health replica = health.replicaHealth("app", "s3");
					assertThat(replica.getStatus()).isEqualTo(Status.DOWN);
					assertThat(replica.getDetails().get("failingThreads").toString())
						.contains("litestream-monitor-app");
					LitestreamEndpoint.ThreadDescriptor failing = endpoint.status()
						.databases()
						.get("app")
						.threads()
						.get("litestream-monitor-app");
					assertThat(failing.state()).isEqualTo("failing");
					assertThat(failing.unexpectedFailures()).isPositive();
					broken.set(false);
					waitFor(() -> {
						Sql.execute(app, "INSERT INTO t VALUES ('" + "y".repeat(2000) + "')");
						return health.health(true).getStatus().equals(Status.UP);
					});
					assertThat(endpoint.status().databases().get("app").threads().get("litestream-monitor-app").state())
						.isEqualTo("running");
					assertThat(threadFailures(registry)).isEqualTo(failing.unexpectedFailures());
				});
		}
		finally {
			Failpoints.set(null);
		}
	}

	private static double threadFailures(MeterRegistry registry) {
		return registry.get("litestream.thread.failures")
			.tags("db", "app", "thread", "litestream-monitor-app")
			.counter()
			.count();
	}

	@Test
	void storageEqualsWhatTheStoreHoldsAndSnapshotAgeResets() throws Exception {
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			runner("storage").run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				ReplicationManager manager = context.getBean(ReplicationManager.class);
				for (int i = 0; i < 20; i++) {
					Sql.execute(app, "INSERT INTO t VALUES ('row " + i + "')");
				}
				waitFor(() -> lag(registry) == 0 && gauge(registry, "litestream.replica.objects") >= 2);
				ReplicaClient client = manager.database("app").orElseThrow().replicas().get(0).client();
				long[] listed = listing(client);
				waitFor(() -> gauge(registry, "litestream.replica.storage") == listing(client)[0]);
				assertThat(gauge(registry, "litestream.replica.objects")).isEqualTo(listing(client)[1]);
				assertThat(listed[0]).isPositive();

				Thread.sleep(1200);
				double before = snapshotAge(registry);
				assertThat(before).isGreaterThan(1.0);
				context.getBean(LitestreamEndpoint.class).action("app", "snapshot", null, null, null, null, null);
				assertThat(snapshotAge(registry)).isLessThan(before).isLessThan(1.0);
				assertThat(registry.get("litestream.wal.bytes").tags("db", "app").counter().count()).isPositive();
				assertThat(registry.get("litestream.replica.bytes")
					.tags("db", "app", "replica", "s3", "operation", "put")
					.counter()
					.count()).isPositive();
				assertThat(registry.get("litestream.db.size").tags("db", "app").gauge().value()).isPositive();
			});
		}
	}

	@Test
	void withCompactionTheRestoreWindowSaysFromWhenEveryCommitIsRestorable() throws Exception {
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			runner("compaction").withPropertyValues("litestream.databases.app.replicas[0].compaction-age=1s")
				.run((context) -> {
					LitestreamEndpoint endpoint = context.getBean(LitestreamEndpoint.class);
					Sql.execute(app, "INSERT INTO t VALUES ('a')");
					endpoint.action("app", "sync", null, null, null, null, null);
					Thread.sleep(1500);
					Instant before = Instant.now();
					LitestreamEndpoint.RestoreWindowDescriptor window = endpoint.status()
						.databases()
						.get("app")
						.replicas()
						.get("s3")
						.restoreWindow();
					assertThat(window.earliest()).isNotNull();
					// the snapshot is older than the age: before now minus the age, a
					// point in time is rounded to the end of a WAL index
					assertThat(window.everyCommitFrom()).isAfter(window.earliest())
						.isBetween(before.minusSeconds(2), Instant.now().minusMillis(900));
				});
		}
	}

	@Test
	void endpointReportsListsAndRestoresToAPointInTime() throws Exception {
		Path restored = this.dir.resolve("copy.db");
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			runner("endpoint").withPropertyValues("management.endpoint.litestream.restore-directory=" + this.dir)
				.run((context) -> {
					LitestreamEndpoint endpoint = context.getBean(LitestreamEndpoint.class);
					Sql.execute(app, "INSERT INTO t VALUES ('early')");
					endpoint.action("app", "sync", null, null, null, null, null);
					Thread.sleep(2100); // S3 times have whole seconds
					Instant between = Instant.now().minusMillis(1000);
					Sql.execute(app, "INSERT INTO t VALUES ('late')");
					endpoint.action("app", "sync", null, null, null, null, null);

					LitestreamEndpoint.LitestreamDescriptor status = endpoint.status();
					LitestreamEndpoint.ReplicaDescriptor replica = status.databases().get("app").replicas().get("s3");
					assertThat(status.running()).isTrue();
					assertThat(replica.location()).isEqualTo("s3://endpoint/app");
					assertThat(replica.lagSeconds()).isZero();
					assertThat(replica.position()).isEqualTo(status.databases().get("app").position());
					assertThat(replica.restoreWindow().earliest()).isNotNull();
					// no compaction: every commit of the window
					assertThat(replica.restoreWindow().everyCommitFrom()).isEqualTo(replica.restoreWindow().earliest());

					LitestreamEndpoint.DatabaseListingDescriptor listing = endpoint.database("app");
					assertThat(listing.replicas().get("s3")).singleElement().satisfies((generation) -> {
						assertThat(generation.generation()).isEqualTo(status.databases().get("app").generation());
						assertThat(generation.snapshots()).isNotEmpty();
						assertThat(generation.wal().segments()).isPositive();
					});
					assertThat(endpoint.database("nope")).isNull();

					LitestreamEndpoint.ActionResultDescriptor result = endpoint.action("app", "restore",
							between.toString(), restored.toString(), null, null, null);
					assertThat(result.restore().path()).isEqualTo(restored.toString());
					assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(
							() -> endpoint.action("app", "restore", null, restored + ".other", "newest", null, null))
						.withMessageContaining("not a generation id");
					String generation = result.restore().position().substring(0, 16);
					Path named = this.dir.resolve("named-generation.db");
					assertThat(endpoint.action("app", "restore", null, named.toString(), generation, null, null)
						.restore()
						.position()).startsWith(generation);
					assertThat(Sql.dump(restored).get("t")).containsExactly("early");
					assertThat(Sql.dump(app).get("t")).containsExactly("early", "late");
				});
		}
	}

	@Test
	void restoreAtStartupIsCounted() throws Exception {
		Path path = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		try (Harness harness = new Harness(path, new FileReplicaClient(replica))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('backed up')");
			harness.sync();
		}
		for (String suffix : new String[] { "", "-wal", "-shm" }) {
			Files.deleteIfExists(Path.of(path + suffix));
		}
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					LitestreamAutoConfiguration.class, LitestreamMetricsAutoConfiguration.class))
			.withPropertyValues("litestream.databases.app.path=" + path,
					"litestream.databases.app.replicas[0].url=" + replica.toUri())
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("litestream.restore").tags("db", "app", "outcome", "success").timer().count())
					.isEqualTo(1);
				assertThat(registry.get("litestream.restore.bytes").tags("db", "app").counter().count())
					.isEqualTo(Files.size(path));
				assertThat(registry.get("litestream.retention.deleted")
					.tags("db", "app", "replica", "file", "kind", "wal")
					.counter()
					.count()).isZero();
			});
	}

	private static double lag(MeterRegistry registry) {
		return registry.get("litestream.replica.lag")
			.tags("db", "app", "replica", "s3")
			.timeGauge()
			.value(TimeUnit.SECONDS);
	}

	private static double snapshotAge(MeterRegistry registry) {
		return registry.get("litestream.snapshot.age")
			.tags("db", "app", "replica", "s3")
			.timeGauge()
			.value(TimeUnit.SECONDS);
	}

	private static long syncs(MeterRegistry registry) {
		return registry.get("litestream.sync").tags("db", "app", "replica", "s3", "outcome", "success").timer().count();
	}

	private static double gauge(MeterRegistry registry, String name) {
		return registry.get(name).tags("db", "app", "replica", "s3").gauge().value();
	}

	private static long[] listing(ReplicaClient client) throws Exception {
		long bytes = 0;
		long objects = 0;
		for (Generation generation : client.generations()) {
			for (SnapshotInfo snapshot : client.snapshots(generation)) {
				bytes += snapshot.size();
				objects++;
			}
			for (WalSegmentInfo segment : client.walSegments(generation)) {
				bytes += segment.size();
				objects++;
			}
		}
		return new long[] { bytes, objects };
	}

	private static void waitFor(Callable<Boolean> condition) throws Exception {
		long deadline = System.currentTimeMillis() + 30_000;
		while (!condition.call()) {
			if (System.currentTimeMillis() > deadline) {
				throw new AssertionError("condition not met within 30 s");
			}
			Thread.sleep(50);
		}
	}

}
