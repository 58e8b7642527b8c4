package io.github.jlitestream.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.github.jlitestream.core.ConditionalWritesIgnoredException;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Lz4Objects;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the conditional uploads of {@link S3ReplicaClient}
 * ({@code If-None-Match: *}), against S3Proxy, which enforces the condition.
 */
class S3ConditionalPutTests {

	private static final String PREFIX = "apps/main.db";

	private static final Generation GENERATION = new Generation("0123456789abcdef");

	@TempDir
	Path dir;

	private S3ProxyServer server;

	private final RequestCounter counter = new RequestCounter();

	private final List<SdkHttpRequest> puts = new CopyOnWriteArrayList<>();

	@BeforeEach
	void startServer() {
		this.server = S3ProxyServer.startInMemory();
		this.server.createBucket("replicas");
	}

	@AfterEach
	void stopServer() {
		this.server.close();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 1_000, 8_000 })
	void existingObjectIsRefusedByTheStore(int size) throws IOException {
		byte[] first = randomBytes(size, 1);
		byte[] second = randomBytes(size, 2);
		try (S3ReplicaClient client = client(3)) {
			Lz4Objects.writeWalSegment(client, GENERATION, 1, 0, ObjectContent.of(first));
			for (int i = 0; i < 5; i++) {
				assertThatExceptionOfType(FileAlreadyExistsException.class)
					.isThrownBy(() -> Lz4Objects.writeWalSegment(client, GENERATION, 1, 0, ObjectContent.of(second)))
					.withMessageContaining("object '" + PREFIX + "/generations/0123456789abcdef/wal/"
							+ "00000001_00000000.wal.lz4' exists already in replica s3://replicas/" + PREFIX)
					.withMessageContaining("If-None-Match")
					.satisfies((ex) -> {
						assertThat(ex.getFile()).isEqualTo("s3://replicas/" + PREFIX
								+ "/generations/0123456789abcdef/wal/00000001_00000000.wal.lz4");
						assertThat(ex.getCause()).isInstanceOfSatisfying(S3OperationException.class, (cause) -> {
							assertThat(cause.statusCode()).isEqualTo(412);
							assertThat(cause.errorCode()).isEqualTo("PreconditionFailed");
						});
					});
			}
			assertThat(read(Lz4Objects.openWalSegment(client, GENERATION, 1, 0))).isEqualTo(first);
		}
		assertThat(this.puts).hasSizeGreaterThanOrEqualTo(6)
			.allSatisfy((request) -> assertThat(request.firstMatchingHeader("If-None-Match")).contains("*"));
	}

	@Test
	void largeObjectIsNeverReplaced() throws IOException {
		// S3Proxy answers 412 before it has read a large body and drops the connection,
		// so the client often sees a broken pipe instead of the answer (an ordinary
		// failure then): either way the object stays as it was.
		byte[] first = randomBytes(2 * 1024 * 1024, 1);
		byte[] second = randomBytes(first.length, 2);
		try (S3ReplicaClient client = client(3)) {
			Lz4Objects.writeSnapshot(client, GENERATION, 1, ObjectContent.of(first));
			for (int i = 0; i < 3; i++) {
				assertThatExceptionOfType(IOException.class)
					.isThrownBy(() -> Lz4Objects.writeSnapshot(client, GENERATION, 1, ObjectContent.of(second)));
			}
			assertThat(read(Lz4Objects.openSnapshot(client, GENERATION, 1))).isEqualTo(first);
		}
	}

	@Test
	void emptyObjectIsConditionalToo() throws IOException {
		try (S3ReplicaClient client = client(3)) {
			Lz4Objects.writeSnapshot(client, GENERATION, 1, ObjectContent.of(new byte[0]));
			assertThatExceptionOfType(FileAlreadyExistsException.class)
				.isThrownBy(() -> Lz4Objects.writeSnapshot(client, GENERATION, 1, ObjectContent.of(new byte[0])));
		}
		assertThat(this.puts)
			.allSatisfy((request) -> assertThat(request.firstMatchingHeader("If-None-Match")).contains("*"));
	}

	@Test
	void retryOfAnUploadWhoseResponseWasLostFindsTheObjectExisting() throws IOException {
		byte[] data = randomBytes(1_000, 3);
		LosesResponses lost = new LosesResponses((request) -> request instanceof PutObjectRequest, 1);
		try (S3ReplicaClient client = client(3, lost)) {
			// The first attempt stores the object, its answer is lost; the SDK's retry is
			// then refused.
			assertThatExceptionOfType(FileAlreadyExistsException.class)
				.isThrownBy(() -> Lz4Objects.writeWalSegment(client, GENERATION, 1, 0, ObjectContent.of(data)));
			assertThat(this.counter.attempts("PutObject")).isEqualTo(2);
			assertThat(read(Lz4Objects.openWalSegment(client, GENERATION, 1, 0))).isEqualTo(data);
		}
	}

	@Test
	void conflictingConditionalWriteIsAnOrdinaryFailure() throws IOException {
		// S3 answers 409 ConditionalRequestConflict while another conditional write of
		// the key is in progress: nothing is known to exist, so it must not read as
		// "exists" (S3Proxy never sends it: faked here).
		Conflicts conflicts = new Conflicts();
		try (S3ReplicaClient client = client(3, conflicts)) {
			assertThatExceptionOfType(S3OperationException.class)
				.isThrownBy(() -> Lz4Objects.writeWalSegment(client, GENERATION, 1, 0, ObjectContent.of(bytes("wal"))))
				.isNotInstanceOf(FileAlreadyExistsException.class)
				.withMessageContaining("S3 PutObject failed for bucket 'replicas' key '" + PREFIX
						+ "/generations/0123456789abcdef/wal/00000001_00000000.wal.lz4'")
				.satisfies((ex) -> {
					assertThat(ex.statusCode()).isEqualTo(409);
					assertThat(ex.errorCode()).isEqualTo("ConditionalRequestConflict");
				});
			// Not retried by the SDK: the engine's next sync reads the store and tries
			// again.
			assertThat(this.counter.attempts("PutObject")).isEqualTo(1);
		}
	}

	@Test
	void replicationGoesOnAfterAnUploadWhoseResponseWasLost() throws Exception {
		// A WAL segment stored although the engine saw its upload fail: the next sync
		// reads the store, finds the segment equal to its own shadow WAL and continues
		// after it.
		LosesResponses lost = new LosesResponses((request) -> request instanceof PutObjectRequest put
				&& put.key().contains("/wal/") && put.key().endsWith("_00000000.wal.lz4"), 1);
		Path path = this.dir.resolve("app.db");
		try (S3ReplicaClient client = client(3, lost); Harness harness = new Harness(path, client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			harness.database().sync();
			assertThatExceptionOfType(FileAlreadyExistsException.class).isThrownBy(() -> harness.replica().sync());
			assertThat(lost.lost()).isEqualTo(1);
			harness.execute("INSERT INTO t VALUES ('b')");
			harness.sync();
			assertThat(harness.replica().position()).isEqualTo(harness.database().position());
			assertThat(harness.replica().lastError()).isNull();
			Path restored = this.dir.resolve("restored.db");
			harness.restore(RestoreOptions.latest(restored));
			assertThat(Sql.count(restored, "t")).isEqualTo(2);
		}
	}

	@Test
	void storeThatIgnoresConditionalWritesIsRefused() throws IOException {
		// The condition never reaches S3Proxy, as with a store that ignores it: the
		// second create of the probe replaces the first.
		try (S3ReplicaClient client = client(3, new DropsConditions())) {
			assertThatExceptionOfType(ConditionalWritesIgnoredException.class)
				.isThrownBy(client::checkConditionalWrites)
				.withMessageStartingWith("The store of replica s3://replicas/" + PREFIX
						+ " ignores conditional writes: a second PutObject of s3://replicas/" + PREFIX
						+ "/lease-check-")
				.withMessageContaining("with If-None-Match: * succeeded instead of failing with HTTP 412")
				.withMessageContaining("turn the lease off for this replica (lease-ttl 0)");
			assertThat(client.generations()).isEmpty();
		}
		try (S3ReplicaClient client = client(3)) {
			client.checkConditionalWrites();
		}
		assertThat(this.server.keys("replicas")).as("probes deleted").isEmpty();
	}

	@Test
	void replicationToAStoreThatIgnoresConditionalWritesIsRefusedAtStart() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Connection app = Sql.connect(path); S3ReplicaClient client = client(3, new DropsConditions())) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			ReplicationManager manager = new ReplicationManager();
			manager.add("app", DatabaseOptions.of(path), List.of(new ReplicaSpec(client, ReplicaOptions.of("s3"))));
			assertThatExceptionOfType(ConditionalWritesIgnoredException.class).isThrownBy(manager::start)
				.withMessageContaining("ignores conditional writes");
			assertThat(manager.isRunning()).isFalse();
			assertThat(this.server.keys("replicas")).as("nothing written").isEmpty();
			// without a lease it replicates, warned
			ReplicationManager unleased = new ReplicationManager();
			unleased.add("app", DatabaseOptions.of(path),
					List.of(new ReplicaSpec(client, ReplicaOptions.builder("s3").leaseTtl(Duration.ZERO).build())));
			unleased.start();
			assertThat(unleased.stop()).isTrue();
			assertThat(client.generations()).hasSize(1);
		}
	}

	private S3ReplicaClient client(int maxAttempts, ExecutionInterceptor... interceptors) {
		return this.server.clientFactory()
			.maxAttempts(maxAttempts)
			.retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
			.customizer((builder) -> builder.overrideConfiguration((o) -> {
				o.addExecutionInterceptor(this.counter);
				o.addExecutionInterceptor(new PutRecorder());
				for (ExecutionInterceptor interceptor : interceptors) {
					o.addExecutionInterceptor(interceptor);
				}
			}))
			.build()
			.create("s3://replicas/" + PREFIX);
	}

	private static byte[] read(InputStream in) throws IOException {
		try (in) {
			return in.readAllBytes();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] randomBytes(int size, long seed) {
		byte[] data = new byte[size];
		new Random(seed).nextBytes(data);
		return data;
	}

	private static boolean isPutObject(ExecutionAttributes attributes) {
		return "PutObject".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
	}

	/** Keeps the PutObject requests as sent. */
	private final class PutRecorder implements ExecutionInterceptor {

		@Override
		public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
			if (isPutObject(attributes)) {
				S3ConditionalPutTests.this.puts.add(context.httpRequest());
			}
		}

	}

	/** Removes the conditions from every request, as a store that ignores them would. */
	private static final class DropsConditions implements ExecutionInterceptor {

		@Override
		public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
			return context.httpRequest().toBuilder().removeHeader("If-None-Match").removeHeader("If-Match").build();
		}

	}

	/**
	 * Loses the answer of the first {@code count} requests that match, after the store
	 * handled them, as a connection reset would.
	 */
	private static final class LosesResponses implements ExecutionInterceptor {

		private final Predicate<Object> matches;

		private final AtomicInteger remaining;

		private final AtomicInteger lost = new AtomicInteger();

		LosesResponses(Predicate<Object> matches, int count) {
			this.matches = matches;
			this.remaining = new AtomicInteger(count);
		}

		@Override
		public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
			if (this.matches.test(context.request()) && this.remaining.getAndDecrement() > 0) {
				this.lost.incrementAndGet();
				throw SdkClientException.create("Simulated lost response",
						new IOException("Connection reset (simulated)"));
			}
		}

		int lost() {
			return this.lost.get();
		}

	}

	/** Turns every PutObject answer into S3's 409 ConditionalRequestConflict. */
	private static final class Conflicts implements ExecutionInterceptor {

		private static final String BODY = """
				<?xml version="1.0" encoding="UTF-8"?>
				<Error><Code>ConditionalRequestConflict</Code><Message>A conflicting operation occurred. \
				Retry your request.</Message><RequestId>conflict-1</RequestId></Error>""";

		@Override
		public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
			if (!isPutObject(attributes)) {
				return context.httpResponse();
			}
			return context.httpResponse().toBuilder().statusCode(409).statusText("Conflict").build();
		}

		@Override
		public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
				ExecutionAttributes attributes) {
			if (!isPutObject(attributes)) {
				return context.responseBody();
			}
			return Optional.of(new ByteArrayInputStream(BODY.getBytes(StandardCharsets.UTF_8)));
		}

	}

}
