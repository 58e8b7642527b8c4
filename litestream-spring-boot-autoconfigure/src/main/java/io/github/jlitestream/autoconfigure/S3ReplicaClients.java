package io.github.jlitestream.autoconfigure;

import io.github.jlitestream.core.ReplicaClient;

/**
 * Creates S3 replica clients; implemented where the AWS SDK is on the classpath.
 */
@FunctionalInterface
interface S3ReplicaClients {

	ReplicaClient create(LitestreamProperties.Replica replica, String property);

}
