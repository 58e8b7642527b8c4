package io.github.jlitestream.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.testing.Lz4Objects;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link S3ReplicaClient} when the store goes away and comes back.
 */
class S3ReplicaClientOutageTests {

	private static final Generation GENERATION = new Generation("0123456789abcdef");

	private static final byte[] DATA = "snapshot".getBytes();

	private S3ProxyServer server;

	private final RequestCounter counter = new RequestCounter();

	@BeforeEach
	void startServer() throws IOException {
		this.server = S3ProxyServer.startInMemory();
		this.server.createBucket("replicas");
		try (S3ReplicaClient client = client(3)) {
			Lz4Objects.writeSnapshot(client, GENERATION, 1, ObjectContent.of(DATA));
		}
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@Test
	void failsAfterRetriesWhileStoppedAndRecoversAfterRestart() throws IOException {
		try (S3ReplicaClient client = client(3)) {
			int port = this.server.port();
			this.server.stop();
			long started = System.nanoTime();
			assertThatExceptionOfType(S3OperationException.class).isThrownBy(client::generations)
				.withMessageContaining("S3 ListObjectsV2 failed for bucket 'replicas' key 'db/generations/'")
				.withMessageContaining("Connection refused")
				.satisfies((ex) -> assertThat(ex.statusCode()).isZero());
			assertThat(this.counter.calls("ListObjectsV2")).isEqualTo(1);
			assertThat(this.counter.attempts("ListObjectsV2")).isEqualTo(3);
			assertThatExceptionOfType(S3OperationException.class)
				.isThrownBy(() -> Lz4Objects.writeWalSegment(client, GENERATION, 1, 0, ObjectContent.of(DATA)))
				.withMessageContaining("S3 PutObject failed for bucket 'replicas' key "
						+ "'db/generations/0123456789abcdef/wal/00000001_00000000.wal.lz4'");
			// Not a NoSuchFileException: the object may well exist.
			assertThatExceptionOfType(S3OperationException.class)
				.isThrownBy(() -> Lz4Objects.openSnapshot(client, GENERATION, 1))
				.withMessageContaining("S3 GetObject failed");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

			this.server.start();
			assertThat(this.server.port()).isEqualTo(port);
			assertThat(client.generations()).containsExactly(GENERATION);
			assertThat(read(Lz4Objects.openSnapshot(client, GENERATION, 1))).isEqualTo(DATA);
			Lz4Objects.writeWalSegment(client, GENERATION, 1, 0, ObjectContent.of(DATA));
			assertThat(client.walSegments(GENERATION)).hasSize(1);
		}
	}

	@Test
	void retriesBridgeAShortOutage() throws Exception {
		try (S3ReplicaClient client = client(10)) {
			this.server.stop();
			CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
				sleep(Duration.ofMillis(300));
				this.server.start();
			});
			Lz4Objects.writeWalSegment(client, GENERATION, 1, 0, ObjectContent.of(DATA));
			restart.get();
			assertThat(this.counter.attempts("PutObject")).isGreaterThan(1);
			assertThat(read(Lz4Objects.openWalSegment(client, GENERATION, 1, 0))).isEqualTo(DATA);
		}
	}

	@Test
	void serverOnDiskKeepsObjectsAcrossRestart(@TempDir Path dir) throws IOException {
		try (S3ProxyServer onDisk = S3ProxyServer.startOnDisk(dir)) {
			onDisk.createBucket("disk");
			S3ReplicaClientFactory factory = onDisk.clientFactory().build();
			try (S3ReplicaClient client = factory.create("s3://disk/db")) {
				Lz4Objects.writeSnapshot(client, GENERATION, 1, ObjectContent.of(DATA));
				onDisk.stop();
				assertThat(onDisk.isRunning()).isFalse();
				onDisk.start();
				assertThat(client.snapshots(GENERATION)).singleElement()
					.satisfies((snapshot) -> assertThat(snapshot.size()).isEqualTo(DATA.length));
				assertThat(read(Lz4Objects.openSnapshot(client, GENERATION, 1))).isEqualTo(DATA);
			}
		}
	}

	private S3ReplicaClient client(int maxAttempts) {
		return this.server.clientFactory()
			.maxAttempts(maxAttempts)
			.retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
			.connectTimeout(Duration.ofSeconds(1))
			.customizer((builder) -> builder.overrideConfiguration((o) -> o.addExecutionInterceptor(this.counter)))
			.build()
			.create("s3://replicas/db");
	}

	private static byte[] read(InputStream in) throws IOException {
		try (in) {
			return in.readAllBytes();
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
