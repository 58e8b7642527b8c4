package io.github.jlitestream.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds {@link S3Client}s and {@link S3ReplicaClient}s from plain connection settings:
 * an optional endpoint for S3-compatible stores, region, path-style access, optional
 * static credentials (otherwise the SDK's default credentials chain), timeouts and the
 * retry policy. Transient failures (5xx, throttling, connection failures) are retried by
 * the SDK's standard retry strategy with exponential backoff and jitter. <pre>
 * S3ReplicaClientFactory factory = S3ReplicaClientFactory.builder()
 *     .endpoint(URI.create("http://localhost:9000")).forcePathStyle(true)
 *     .credentials(accessKeyId, secretAccessKey)
 *     .build();
 * try (S3ReplicaClient replica = factory.create("s3://my-bucket/apps/app-db")) { ... }
 * </pre>
 *
 * @since 0.1.0
 */
public final class S3ReplicaClientFactory {

	/** Connections each S3 client keeps at most. */
	static final int MAX_CONNECTIONS = 128;

	/** The region used when an endpoint is given without one. */
	public static final String DEFAULT_REGION = "us-east-1";

	/** The default number of attempts of a request, the first included. */
	public static final int DEFAULT_MAX_ATTEMPTS = 5;

	/** The default base delay of the exponential backoff between attempts. */
	public static final Duration DEFAULT_RETRY_BASE_DELAY = Duration.ofMillis(100);

	/** The default longest delay between attempts. */
	public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(10);

	/** The default time to establish a connection. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/** The default longest wait for data on an open connection. */
	public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);

	private final @Nullable URI endpoint;

	private final @Nullable String region;

	private final boolean forcePathStyle;

	private final @Nullable AwsBasicCredentials credentials;

	private final int maxAttempts;

	private final Duration retryBaseDelay;

	private final Duration retryMaxDelay;

	private final Duration connectTimeout;

	private final Duration socketTimeout;

	private final S3ReplicaClient.Options options;

	private final Consumer<S3ClientBuilder> customizer;

	private S3ReplicaClientFactory(Builder builder) {
		this.endpoint = builder.endpoint;
		this.region = builder.region;
		this.forcePathStyle = builder.forcePathStyle;
		this.credentials = builder.credentials;
		this.maxAttempts = builder.maxAttempts;
		this.retryBaseDelay = builder.retryBaseDelay;
		this.retryMaxDelay = builder.retryMaxDelay;
		this.connectTimeout = builder.connectTimeout;
		this.socketTimeout = builder.socketTimeout;
		this.options = builder.options;
		this.customizer = builder.customizer;
	}

	/** Starts the settings of a factory. */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Creates a replica client for {@code s3://bucket/prefix} on a new {@link S3Client}
	 * that the replica client owns and closes.
	 * @param url the replica URL
	 * @return the replica client
	 * @throws IllegalArgumentException when the URL is invalid
	 */
	public S3ReplicaClient create(String url) {
		return create(S3ReplicaUrl.parse(url));
	}

	/**
	 * Creates a replica client on a new {@link S3Client} that the replica client owns and
	 * closes.
	 * @param url the replica URL
	 * @return the replica client
	 */
	public S3ReplicaClient create(S3ReplicaUrl url) {
		return new S3ReplicaClient(createS3Client(), url.bucket(), url.prefix(),
				this.options.toBuilder().closeS3Client(true).build());
	}

	/**
	 * Creates an {@link S3Client} with these settings; the caller closes it.
	 * @return the client
	 * @throws IllegalStateException when no region is set and the SDK cannot find one
	 */
	public S3Client createS3Client() {
		RetryStrategy retryStrategy = AwsRetryStrategy.standardRetryStrategy()
			.toBuilder()
			.maxAttempts(this.maxAttempts)
			.backoffStrategy(BackoffStrategy.exponentialDelay(this.retryBaseDelay, this.retryMaxDelay))
			.build();
		S3ClientBuilder builder = S3Client.builder()
			.httpClientBuilder(ApacheHttpClient.builder()
				// a restore downloads up to 64 WAL segments at once (8 x its default
				// parallelism); the SDK's default pool holds 50
				.maxConnections(MAX_CONNECTIONS)
				.connectionTimeout(this.connectTimeout)
				.socketTimeout(this.socketTimeout)
				.connectionAcquisitionTimeout(this.connectTimeout)
				.tcpKeepAlive(true))
			.forcePathStyle(this.forcePathStyle);
		if (this.credentials != null) {
			builder.credentialsProvider(StaticCredentialsProvider.create(this.credentials));
		}
		// Otherwise the client makes (and closes) the SDK's default credentials chain
		// itself.
		if (this.endpoint != null) {
			builder.endpointOverride(this.endpoint);
		}
		String resolvedRegion = (this.region != null) ? this.region : (this.endpoint != null) ? DEFAULT_REGION : null;
		if (resolvedRegion != null) {
			builder.region(Region.of(resolvedRegion));
		}
		this.customizer.accept(builder);
		// After the customizers, which may have replaced the override configuration
		// (overrideConfiguration(Consumer) starts from scratch): merge the retry strategy
		// in, unless they configured retries themselves.
		ClientOverrideConfiguration override = builder.overrideConfiguration();
		if (override.retryStrategy().isEmpty() && override.retryMode().isEmpty()
				&& override.retryStrategyConfigurator().isEmpty() && override.retryPolicy().isEmpty()) {
			builder.overrideConfiguration(override.toBuilder().retryStrategy(retryStrategy).build());
		}
		try {
			return builder.build();
		}
		catch (SdkClientException ex) {
			throw new IllegalStateException("Cannot create the S3 client for " + this + ": " + ex.getMessage()
					+ " (set a region, or AWS_REGION)", ex);
		}
	}

	@Override
	public String toString() {
		return "S3ReplicaClientFactory[endpoint=%s, region=%s, forcePathStyle=%s, credentials=%s]".formatted(
				(this.endpoint != null) ? this.endpoint : "AWS", (this.region != null) ? this.region : "default",
				this.forcePathStyle, (this.credentials != null) ? "static" : "default chain");
	}

	/**
	 * The settings of an {@link S3ReplicaClientFactory}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private @Nullable URI endpoint;

		private @Nullable String region;

		private boolean forcePathStyle;

		private @Nullable AwsBasicCredentials credentials;

		private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

		private Duration retryBaseDelay = DEFAULT_RETRY_BASE_DELAY;

		private Duration retryMaxDelay = DEFAULT_RETRY_MAX_DELAY;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;

		private S3ReplicaClient.Options options = S3ReplicaClient.Options.DEFAULTS;

		private Consumer<S3ClientBuilder> customizer = (builder) -> {
		};

		private Builder() {
		}

		/**
		 * The endpoint of an S3-compatible store, such as {@code http://localhost:9000};
		 * none for AWS.
		 * @param endpoint an {@code http} or {@code https} URI without user info, or
		 * {@code null}
		 * @return this builder
		 */
		public Builder endpoint(@Nullable URI endpoint) {
			if (endpoint != null) {
				String scheme = (endpoint.getScheme() != null) ? endpoint.getScheme().toLowerCase(Locale.ROOT) : "";
				if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
					throw new IllegalArgumentException(
							"Invalid S3 endpoint '" + endpoint + "': expected http(s)://host[:port]");
				}
				if (endpoint.getRawUserInfo() != null) {
					throw new IllegalArgumentException("Invalid S3 endpoint for host '" + endpoint.getHost()
							+ "': credentials do not belong in the endpoint");
				}
			}
			this.endpoint = endpoint;
			return this;
		}

		/**
		 * The region; when unset, {@value S3ReplicaClientFactory#DEFAULT_REGION} with an
		 * endpoint, else the SDK's default region chain ({@code AWS_REGION}, profile,
		 * instance metadata).
		 * @param region the region name, or {@code null}
		 * @return this builder
		 */
		public Builder region(@Nullable String region) {
			this.region = (region != null && !region.isBlank()) ? region.trim() : null;
			return this;
		}

		/**
		 * Whether to address buckets as {@code endpoint/bucket} rather than
		 * {@code bucket.endpoint}, as most S3-compatible stores need.
		 * @param forcePathStyle whether to use path-style access
		 * @return this builder
		 */
		public Builder forcePathStyle(boolean forcePathStyle) {
			this.forcePathStyle = forcePathStyle;
			return this;
		}

		/**
		 * Static credentials; without them the SDK's default credentials chain is used.
		 * @param accessKeyId the access key id
		 * @param secretAccessKey the secret access key
		 * @return this builder
		 */
		public Builder credentials(String accessKeyId, String secretAccessKey) {
			if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
				throw new IllegalArgumentException("Both the S3 access key id and secret access key must be set");
			}
			this.credentials = AwsBasicCredentials.create(accessKeyId, secretAccessKey);
			return this;
		}

		/**
		 * How many times a request is attempted, the first attempt included, before its
		 * failure is reported.
		 * @param maxAttempts 1 or more
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("'maxAttempts' must be at least 1: " + maxAttempts);
			}
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * The exponential backoff between attempts: attempt {@code n} waits a random time
		 * up to {@code min(maxDelay, baseDelay * 2^n)}.
		 * @param baseDelay the base delay
		 * @param maxDelay the longest delay
		 * @return this builder
		 */
		public Builder retryBackoff(Duration baseDelay, Duration maxDelay) {
			this.retryBaseDelay = positive(baseDelay, "baseDelay");
			this.retryMaxDelay = positive(maxDelay, "maxDelay");
			return this;
		}

		/**
		 * The time to establish a connection, and to wait for a free pooled connection.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder connectTimeout(Duration timeout) {
			this.connectTimeout = positive(timeout, "connectTimeout");
			return this;
		}

		/**
		 * The longest wait for data on an open connection.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder socketTimeout(Duration timeout) {
			this.socketTimeout = positive(timeout, "socketTimeout");
			return this;
		}

		/**
		 * The options of the replica clients
		 * {@link S3ReplicaClientFactory#create(String)} makes.
		 * @param options the options
		 * @return this builder
		 */
		public Builder options(S3ReplicaClient.Options options) {
			this.options = Objects.requireNonNull(options, "'options' must not be null");
			return this;
		}

		/**
		 * Adds a change to each {@link S3ClientBuilder}, applied after the settings above
		 * and after the customizers added before, for what the settings do not cover
		 * (execution interceptors, metric publishers, checksum behaviour for stores that
		 * do not support the SDK's default checksums, an HTTP proxy).
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder customizer(Consumer<S3ClientBuilder> customizer) {
			Objects.requireNonNull(customizer, "'customizer' must not be null");
			this.customizer = this.customizer.andThen(customizer);
			return this;
		}

		/** Builds the factory. */
		public S3ReplicaClientFactory build() {
			return new S3ReplicaClientFactory(this);
		}

		private static Duration positive(Duration duration, String name) {
			Objects.requireNonNull(duration, () -> "'" + name + "' must not be null");
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException("'" + name + "' must be positive: " + duration);
			}
			return duration;
		}

	}

}
