package io.github.jlitestream.s3.testing;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.github.jlitestream.s3.S3ReplicaClientFactory;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A real S3 server for tests: <a href="https://github.com/gaul/s3proxy">S3Proxy</a>
 * embedded in the JVM, listening on {@code 127.0.0.1} on a free port, with AWS signature
 * (v2 or v4) authentication so that clients really sign their requests. Objects live in
 * memory or in a directory, and outlive {@link #stop()}: {@link #start()} brings the same
 * store back on the same port, which lets a test cut the store off and restore it. <pre>
 * try (S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
 *     s3.createBucket("replicas");
 *     S3ReplicaClient client = s3.clientFactory().build().create("s3://replicas/app");
 *     ...
 * }
 * </pre> A module that uses it needs {@code org.gaul:s3proxy} (test scope) with the same
 * exclusions as litestream-s3's pom, and a servlet API such as
 * {@code jakarta.servlet:jakarta.servlet-api}: S3Proxy brings its own shaded Jetty 11.
 *
 * @since 0.1.0
 */
public final class S3ProxyServer implements AutoCloseable {

	/** The access key id clients must sign with, unless the builder set another. */
	public static final String DEFAULT_ACCESS_KEY = "litestream-test-access-key";

	/** The secret access key clients must sign with, unless the builder set another. */
	public static final String DEFAULT_SECRET_KEY = "litestream-test-secret-key";

	/** The region clients should use; S3Proxy accepts any. */
	public static final String REGION = "us-east-1";

	private static final String HOST = "127.0.0.1";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private final BlobStoreContext context;

	private final String accessKey;

	private final String secretKey;

	private int port;

	private @Nullable S3Proxy proxy;

	/** Calls of the store behind S3Proxy, by method, for request counts. */
	private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

	private S3ProxyServer(BlobStoreContext context, String accessKey, String secretKey, int port) {
		this.context = context;
		this.accessKey = accessKey;
		this.secretKey = secretKey;
		this.port = port;
	}

	/** Starts a server with an in-memory store on a free port. */
	public static S3ProxyServer startInMemory() {
		return builder().build().start();
	}

	/**
	 * Starts a server that keeps its objects in {@code directory} (created if missing),
	 * on a free port.
	 */
	public static S3ProxyServer startOnDisk(Path directory) {
		return builder().directory(directory).build().start();
	}

	/**
	 * How often S3Proxy called each method of its store since the last
	 * {@link #resetStoreCalls()}, whoever sent the requests: {@code putBlob} for a PUT,
	 * {@code getBlob} for a GET, {@code list} for a LIST, {@code removeBlob} and
	 * {@code removeBlobs} for deletes, {@code blobMetadata} for a HEAD (S3Proxy also
	 * calls some methods inside other requests).
	 */
	public Map<String, Long> storeCalls() {
		Map<String, Long> counts = new TreeMap<>();
		this.calls.forEach((method, count) -> counts.put(method, count.sum()));
		return counts;
	}

	/** Starts counting {@link #storeCalls()} from zero. */
	public void resetStoreCalls() {
		this.calls.clear();
	}

	private BlobStore counting(BlobStore store) {
		return (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(), new Class<?>[] { BlobStore.class },
				(proxy, method, arguments) -> {
					this.calls.computeIfAbsent(method.getName(), (name) -> new LongAdder()).increment();
					try {
						return method.invoke(store, arguments);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	/** Starts the settings of a server that is not started yet. */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts the server, on the port it had before if it ran already; does nothing when
	 * it is running.
	 * @return this server
	 */
	public synchronized S3ProxyServer start() {
		if (this.proxy != null) {
			return this;
		}
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (true) {
			S3Proxy candidate = S3Proxy.builder()
				.blobStore(counting(this.context.getBlobStore()))
				.endpoint(URI.create("http://" + HOST + ":" + this.port))
				.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, this.accessKey, this.secretKey)
				.jettyMaxThreads(24)
				// The SDK sends x-amz-checksum-crc32 with DeleteObjects (its checksum is
				// required there), a header S3Proxy 2.9 does not know and would answer
				// with 501 NotImplemented.
				.ignoreUnknownHeaders(true)
				.build();
			try {
				candidate.start();
				awaitStarted(candidate, deadline);
				this.port = candidate.getPort();
				this.proxy = candidate;
				return this;
			}
			catch (Exception ex) {
				stopQuietly(candidate);
				// The port of a restart may still be held for a moment by the previous
				// server's connections.
				if (!isBindFailure(ex) || System.nanoTime() > deadline) {
					throw new IllegalStateException("Cannot start S3Proxy on " + HOST + ":" + this.port, ex);
				}
				sleep(Duration.ofMillis(50));
			}
		}
	}

	/**
	 * Stops the server and frees its port; the objects stay, and {@link #start()} serves
	 * them again.
	 */
	public synchronized void stop() {
		S3Proxy running = this.proxy;
		this.proxy = null;
		if (running != null) {
			try {
				running.stop();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Cannot stop S3Proxy on " + HOST + ":" + this.port, ex);
			}
		}
	}

	/** Whether the server is running. */
	public synchronized boolean isRunning() {
		return this.proxy != null;
	}

	/** The port, fixed once the server first started. */
	public synchronized int port() {
		if (this.port == 0) {
			throw new IllegalStateException("S3Proxy has not started yet");
		}
		return this.port;
	}

	/**
	 * The endpoint clients connect to, {@code http://127.0.0.1:<port>}; use path-style
	 * access.
	 */
	public URI endpoint() {
		return URI.create("http://" + HOST + ":" + port());
	}

	/** The access key id clients must sign with. */
	public String accessKey() {
		return this.accessKey;
	}

	/** The secret access key clients must sign with. */
	public String secretKey() {
		return this.secretKey;
	}

	/** The region clients should use. */
	public String region() {
		return REGION;
	}

	/**
	 * Creates a bucket, directly in the store (also while the server is stopped);
	 * existing ones are kept.
	 */
	public void createBucket(String bucket) {
		this.context.getBlobStore().createContainerInLocation(null, bucket);
	}

	/** Every key in a bucket, sorted, read from the store behind S3Proxy. */
	public List<String> keys(String bucket) {
		List<String> keys = new ArrayList<>();
		String marker = null;
		do {
			ListContainerOptions options = ListContainerOptions.Builder.recursive();
			if (marker != null) {
				options.afterMarker(marker);
			}
			PageSet<? extends StorageMetadata> page = this.context.getBlobStore().list(bucket, options);
			page.forEach((metadata) -> keys.add(metadata.getName()));
			marker = page.getNextMarker();
		}
		while (marker != null);
		keys.sort(null);
		return keys;
	}

	/** Deletes a bucket and everything in it, directly in the store. */
	public void deleteBucket(String bucket) {
		this.context.getBlobStore().deleteContainer(bucket);
	}

	/**
	 * The settings of clients of this server: endpoint, region, path-style access,
	 * credentials and {@link #configureS3Client(S3ClientBuilder) S3Proxy's checksum
	 * quirk}. Callers may change the rest (retries, timeouts, options, more customizers)
	 * before building.
	 */
	public S3ReplicaClientFactory.Builder clientFactory() {
		return S3ReplicaClientFactory.builder()
			.endpoint(endpoint())
			.region(REGION)
			.forcePathStyle(true)
			.credentials(this.accessKey, this.secretKey)
			.customizer(S3ProxyServer::configureS3Client);
	}

	/**
	 * Configures an {@link S3Client} built by other means (such as Spring Cloud AWS) for
	 * S3Proxy: over plain HTTP the SDK's default request checksums sign the body as
	 * {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER}, which S3Proxy 2.9 rejects with
	 * {@code XAmzContentSHA256Mismatch}; checksums only where required make the SDK sign
	 * each chunk as {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD}, which it accepts.
	 * @param builder the builder to configure
	 */
	public static void configureS3Client(S3ClientBuilder builder) {
		builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
	}

	/** Stops the server and releases the store; in-memory objects are gone. */
	@Override
	public void close() {
		try {
			stop();
		}
		finally {
			this.context.close();
		}
	}

	@Override
	public String toString() {
		return "S3ProxyServer[" + HOST + ":" + this.port + (isRunning() ? "" : ", stopped") + "]";
	}

	private static void awaitStarted(S3Proxy proxy, long deadline) throws Exception {
		while (!"STARTED".equals(proxy.getState())) {
			if ("FAILED".equals(proxy.getState()) || System.nanoTime() > deadline) {
				throw new IllegalStateException("S3Proxy did not start: state " + proxy.getState());
			}
			sleep(Duration.ofMillis(10));
		}
	}

	private static boolean isBindFailure(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof BindException) {
				return true;
			}
		}
		return false;
	}

	private static void stopQuietly(S3Proxy proxy) {
		try {
			proxy.stop();
		}
		catch (Exception ex) {
			// It never ran.
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while starting S3Proxy", ex);
		}
	}

	/**
	 * The settings of an {@link S3ProxyServer}.
	 */
	public static final class Builder {

		private @Nullable Path directory;

		private String accessKey = DEFAULT_ACCESS_KEY;

		private String secretKey = DEFAULT_SECRET_KEY;

		private int port;

		private @Nullable String provider;

		private Builder() {
		}

		/**
		 * The jclouds provider, by default {@code transient-nio2} in memory or
		 * {@code filesystem-nio2} on disk.
		 */
		public Builder provider(String provider) {
			this.provider = provider;
			return this;
		}

		/** Keeps objects in this directory (created if missing) instead of memory. */
		public Builder directory(Path directory) {
			this.directory = directory;
			return this;
		}

		/** The credentials clients must sign with. */
		public Builder credentials(String accessKey, String secretKey) {
			this.accessKey = accessKey;
			this.secretKey = secretKey;
			return this;
		}

		/** A fixed port; by default a free one is chosen at the first start. */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/** Creates the store; the server is started by {@link S3ProxyServer#start()}. */
		public S3ProxyServer build() {
			Properties overrides = new Properties();
			String provider = "transient";
			if (this.directory != null) {
				try {
					Files.createDirectories(this.directory);
				}
				catch (IOException ex) {
					throw new IllegalStateException("Cannot create the S3Proxy directory " + this.directory, ex);
				}
				provider = "filesystem";
				overrides.setProperty("jclouds.filesystem.basedir", this.directory.toAbsolutePath().toString());
			}
			if (this.provider != null) {
				provider = this.provider;
			}
			BlobStoreContext context = ContextBuilder.newBuilder(provider)
				.credentials("identity", "credential")
				.overrides(overrides)
				.buildView(BlobStoreContext.class);
			return new S3ProxyServer(context, this.accessKey, this.secretKey, this.port);
		}

	}

}
