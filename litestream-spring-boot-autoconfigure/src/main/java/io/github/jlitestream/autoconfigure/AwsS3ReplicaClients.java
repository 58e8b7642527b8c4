package io.github.jlitestream.autoconfigure;

import java.net.URI;

import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.s3.S3ReplicaClient;
import io.github.jlitestream.s3.S3ReplicaClientFactory;
import io.github.jlitestream.s3.S3ReplicaUrl;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 replica clients. A replica without its own endpoint, region or path style reuses the
 * application's {@link S3Client} (configured by {@code spring.cloud.aws.*}); one with its
 * own gets its own client, configured as Spring Cloud AWS configures the application's
 * clients where it is present (credentials, region, connection details, customizers),
 * else with the AWS SDK's defaults, and then with the replica's own settings. A client
 * for a custom endpoint (an S3-compatible store) computes request checksums only where
 * the API requires them, since many such stores reject the SDK's newer default trailing
 * checksums; restore verifies every object's content on its own.
 */
final class AwsS3ReplicaClients implements S3ReplicaClients {

	private final ObjectProvider<S3Client> applicationClient;

	private final ObjectProvider<AwsCredentialsProvider> credentials;

	private final ObjectProvider<AwsRegionProvider> regions;

	private final ObjectProvider<ApplicationS3Settings> settings;

	AwsS3ReplicaClients(ObjectProvider<S3Client> applicationClient, ObjectProvider<AwsCredentialsProvider> credentials,
			ObjectProvider<AwsRegionProvider> regions, ObjectProvider<ApplicationS3Settings> settings) {
		this.applicationClient = applicationClient;
		this.credentials = credentials;
		this.regions = regions;
		this.settings = settings;
	}

	/**
	 * Clients built from the replica's settings and the AWS SDK's default chains alone,
	 * as outside an application context (the command line).
	 */
	static S3ReplicaClients withoutApplicationContext() {
		DefaultListableBeanFactory none = new DefaultListableBeanFactory();
		return new AwsS3ReplicaClients(none.getBeanProvider(S3Client.class),
				none.getBeanProvider(AwsCredentialsProvider.class), none.getBeanProvider(AwsRegionProvider.class),
				none.getBeanProvider(ApplicationS3Settings.class));
	}

	/**
	 * Empty values (such as an unset environment variable in {@code ${S3_ENDPOINT:}})
	 * mean "not set".
	 */
	private static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

	@Override
	public ReplicaClient create(LitestreamProperties.Replica replica, String property) {
		S3ReplicaUrl url;
		try {
			url = S3ReplicaUrl.parse(replica.getUrl());
		}
		catch (IllegalArgumentException ex) {
			throw new LitestreamConfigurationException(property + ".url", replica.getUrl(), ex.getMessage(),
					"Use s3://bucket/prefix.");
		}
		String configuredEndpoint = blankToNull(replica.getEndpoint());
		String configuredRegion = blankToNull(replica.getRegion());
		boolean ownClient = configuredEndpoint != null || configuredRegion != null
				|| replica.getForcePathStyle() != null;
		S3Client shared = ownClient ? null : this.applicationClient.getIfAvailable();
		if (shared != null) {
			return new S3ReplicaClient(shared, url);
		}
		S3ReplicaClientFactory.Builder factory = S3ReplicaClientFactory.builder();
		URI endpoint = null;
		if (configuredEndpoint != null) {
			try {
				endpoint = URI.create(configuredEndpoint);
				if (endpoint.getScheme() == null || endpoint.getHost() == null) {
					throw new IllegalArgumentException("no scheme or host");
				}
			}
			catch (IllegalArgumentException ex) {
				throw new LitestreamConfigurationException(property + ".endpoint", replica.getEndpoint(),
						"not a valid endpoint URL (" + ex.getMessage() + ")",
						"Use a URL such as http://127.0.0.1:9000.");
			}
			factory.endpoint(endpoint);
		}
		String region = configuredRegion;
		if (region == null) {
			AwsRegionProvider provider = this.regions.getIfAvailable();
			// With an endpoint and no region set anywhere, Litestream's rule applies
			// (us-east-1): asking the SDK's default chain would probe EC2 instance
			// metadata first.
			boolean probing = endpoint != null && provider instanceof DefaultAwsRegionProviderChain;
			if (provider != null && !probing) {
				try {
					region = provider.getRegion().id();
				}
				catch (RuntimeException ex) {
					// no region configured for the application either: the factory's
					// default applies
				}
			}
		}
		factory.region(region);
		ApplicationS3Settings application = this.settings.getIfAvailable();
		boolean compatibleStore = endpoint != null || (application != null && application.endpoint() != null);
		boolean pathStyle = (replica.getForcePathStyle() != null) ? replica.getForcePathStyle() : compatibleStore;
		factory.forcePathStyle(pathStyle);
		AwsCredentialsProvider provider = this.credentials.getIfAvailable();
		URI replicaEndpoint = endpoint;
		String replicaRegion = region;
		factory.customizer((builder) -> {
			if (application != null) {
				application.configure(builder, replicaEndpoint, replicaRegion);
				builder.forcePathStyle(pathStyle);
			}
			else if (provider != null) {
				builder.credentialsProvider(provider);
			}
			if (compatibleStore) {
				builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
			}
		});
		try {
			return factory.build().create(url);
		}
		catch (RuntimeException ex) {
			throw new LitestreamConfigurationException(property + ".region", region,
					"cannot create an S3 client: " + ex.getMessage(),
					"Set " + property + ".region (or spring.cloud.aws.region.static).");
		}
	}

}
