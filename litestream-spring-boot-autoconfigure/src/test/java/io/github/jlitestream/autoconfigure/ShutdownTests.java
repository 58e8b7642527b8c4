package io.github.jlitestream.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The starter's lifecycle at the edges: the stop at shutdown is bounded by
 * {@code litestream.shutdown-timeout} (an orchestrator kills the process after its grace
 * period), the replicas' own S3 clients are closed with the context, and the startup
 * restore is a startup step.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class));

	private ApplicationContextRunner database() {
		return this.runner.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
				"litestream.databases.app.monitor-interval=50ms",
				"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("replica").toUri(),
				"litestream.databases.app.replicas.backup.sync-interval=50ms");
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void aFinalSyncThatHangsEndsTheStopAtTheShutdownTimeout(CapturedOutput output) throws Exception {
		HangingFinalSync hanging = new HangingFinalSync();
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			database().withPropertyValues("litestream.shutdown-timeout=2s")
				.withBean(ReplicationListener.class, () -> hanging)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Sql.execute(app, "INSERT INTO t VALUES ('the final sync carries this')");
				});
		}
		finally {
			hanging.release.countDown();
		}
		assertThat(hanging.entered.getCount()).as("the final sync ran").isZero();
		assertThat(output).contains("the final sync did not end within the shutdown timeout")
			.contains("did not reach every replica within litestream.shutdown-timeout (PT2S)");
	}

	@Test
	void aShutdownTimeoutThatIsNotPositiveIsRefused() {
		database().withPropertyValues("litestream.shutdown-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("Invalid Litestream configuration: litestream.shutdown-timeout = 'PT0S': must be a "
						+ "positive duration"));
	}

	@Test
	void theReplicasOwnS3ClientsAreClosedWithTheContext() {
		try (S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
			s3.createBucket("closing");
			ReplicaClient[] client = new ReplicaClient[1];
			this.runner
				.withBean(AwsCredentialsProvider.class,
						() -> StaticCredentialsProvider
							.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
				.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
						"litestream.databases.app.replicas.backup.url=s3://closing/app",
						"litestream.databases.app.replicas.backup.endpoint=" + s3.endpoint())
				.run((context) -> {
					assertThat(context).hasNotFailed();
					client[0] = context.getBean(ReplicationManager.class)
						.database("app")
						.orElseThrow()
						.replicas()
						.get(0)
						.client();
					assertThat(client[0].generations()).isNotNull();
				});
			assertThatThrownBy(() -> client[0].generations()).as("its HTTP connection pool is shut down")
				.hasStackTraceContaining("shut down");
		}
	}

	@Test
	void theStartupRestoreIsAStartupStep() {
		BufferingApplicationStartup startup = new BufferingApplicationStartup(100);
		database().withInitializer((context) -> context.setApplicationStartup(startup))
			.run((context) -> assertThat(context).hasNotFailed());
		TimelineEvent restore = startup.getBufferedTimeline()
			.getEvents()
			.stream()
			.filter((event) -> event.getStartupStep().getName().equals("litestream.restore"))
			.findFirst()
			.orElseThrow();
		assertThat(restore.getStartupStep().getTags()).anySatisfy((tag) -> {
			assertThat(tag.getKey()).isEqualTo("outcome");
			assertThat(tag.getValue()).isEqualTo("no-backup");
		}).anySatisfy((tag) -> assertThat(tag.getValue()).isEqualTo("app"));
	}

	@Test
	void aLongRestoreLogsItsProgress(CapturedOutput output) {
		RestoreProgressLog log = new RestoreProgressLog(LoggerFactory.getLogger(ShutdownTests.class), "app",
				Duration.ZERO);
		log.progress(3, 40, 12_500_000);
		assertThat(output).contains("db=app restoring: 3 of 40 objects, 12.5 MB downloaded in");
	}

	/** Blocks the final sync (the one on the stop's own thread) until released. */
	private static final class HangingFinalSync implements ReplicationListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@Override
		public void onSync(String database, String replica, Duration duration, @Nullable Throwable failure) {
			if (Thread.currentThread().getName().startsWith("litestream-final-sync-")) {
				this.entered.countDown();
				try {
					this.release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

}
