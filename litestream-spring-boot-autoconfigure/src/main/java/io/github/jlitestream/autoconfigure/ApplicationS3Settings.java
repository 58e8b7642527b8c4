package io.github.jlitestream.autoconfigure;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The application's AWS settings, applied to a replica's own S3 client: where Spring
 * Cloud AWS is present, its credentials, region, endpoint, connection details
 * (Testcontainers and docker-compose service connections) and client customizers, as for
 * the application's own clients.
 */
interface ApplicationS3Settings {

	/**
	 * Configures {@code builder} as the application's S3 clients are, then with the
	 * replica's own endpoint and region, which win.
	 * @param builder the replica client's builder
	 * @param endpoint the replica's endpoint, or null
	 * @param region the replica's region, or null
	 */
	void configure(S3ClientBuilder builder, @Nullable URI endpoint, @Nullable String region);

	/**
	 * The endpoint the application's settings give S3 clients (a service connection or
	 * {@code spring.cloud.aws.s3.endpoint}), or null for AWS itself.
	 */
	@Nullable URI endpoint();

}
