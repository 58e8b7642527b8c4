package io.github.jlitestream.autoconfigure;

import java.net.URI;

import io.awspring.cloud.autoconfigure.AwsClientProperties;
import io.awspring.cloud.autoconfigure.AwsSyncClientCustomizer;
import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.core.AwsConnectionDetails;
import io.awspring.cloud.autoconfigure.s3.S3ClientCustomizer;
import io.awspring.cloud.autoconfigure.s3.properties.S3Properties;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A replica's S3 client configured through Spring Cloud AWS's
 * {@link AwsClientBuilderConfigurer}, as Spring Cloud AWS configures the application's
 * own: its credentials, region, {@code spring.cloud.aws.s3.*},
 * {@link AwsConnectionDetails} and every {@link S3ClientCustomizer} and
 * {@link AwsSyncClientCustomizer}.
 */
final class SpringCloudAwsS3Settings implements ApplicationS3Settings {

	private final AwsClientBuilderConfigurer configurer;

	private final ObjectProvider<S3Properties> properties;

	private final ObjectProvider<AwsConnectionDetails> connectionDetails;

	private final ObjectProvider<S3ClientCustomizer> customizers;

	private final ObjectProvider<AwsSyncClientCustomizer> syncCustomizers;

	SpringCloudAwsS3Settings(AwsClientBuilderConfigurer configurer, ObjectProvider<S3Properties> properties,
			ObjectProvider<AwsConnectionDetails> connectionDetails, ObjectProvider<S3ClientCustomizer> customizers,
			ObjectProvider<AwsSyncClientCustomizer> syncCustomizers) {
		this.configurer = configurer;
		this.properties = properties;
		this.connectionDetails = connectionDetails;
		this.customizers = customizers;
		this.syncCustomizers = syncCustomizers;
	}

	@Override
	public void configure(S3ClientBuilder builder, @Nullable URI endpoint, @Nullable String region) {
		S3Properties application = this.properties.getIfAvailable();
		ReplicaClientProperties replica = new ReplicaClientProperties();
		replica.setEndpoint((endpoint != null) ? endpoint : (application != null) ? application.getEndpoint() : null);
		replica.setRegion((region != null) ? region : (application != null) ? application.getRegion() : null);
		this.configurer.configureSyncClient(builder, replica, this.connectionDetails.getIfAvailable(),
				this.customizers.orderedStream(), this.syncCustomizers.orderedStream());
		if (endpoint != null) {
			// a connection detail's endpoint would otherwise replace the replica's own
			builder.endpointOverride(endpoint);
		}
	}

	@Override
	public @Nullable URI endpoint() {
		AwsConnectionDetails details = this.connectionDetails.getIfAvailable();
		if (details != null && details.getEndpoint() != null) {
			return details.getEndpoint();
		}
		S3Properties application = this.properties.getIfAvailable();
		return (application != null) ? application.getEndpoint() : null;
	}

	/** One replica's endpoint and region, in Spring Cloud AWS's terms. */
	private static final class ReplicaClientProperties extends AwsClientProperties {

	}

}
