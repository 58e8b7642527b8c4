package io.github.jlitestream.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The databases and replicas that an application's {@code litestream.*} settings
 * configure, read outside an application context, so that the same settings serve the
 * application and the operator's command line: the same names, binding (environment
 * variables and placeholders included), checks and messages, the same replica clients (S3
 * through the AWS SDK's default chains) and codecs (encryption keys included).
 *
 * @since 0.2.0
 */
public final class LitestreamSettings {

	private LitestreamSettings() {
	}

	/**
	 * Reads the databases that {@code environment} configures.
	 * @param environment the settings, such as an application's properties or YAML file
	 * with the process's environment variables
	 * @return the databases by name, in the order configured; each holds open clients
	 * @throws LitestreamConfigurationException naming the property that is wrong or
	 * unknown
	 */
	public static Map<String, Database> read(Environment environment) {
		UnknownProperties.check(environment);
		LitestreamProperties properties = Binder.get(environment)
			.bind(LitestreamProperties.PREFIX, LitestreamProperties.class)
			.orElseGet(LitestreamProperties::new);
		S3ReplicaClients s3 = ReplicaClients.s3Present() ? AwsS3ReplicaClients.withoutApplicationContext() : null;
		ReplicationManagerFactory factory = new ReplicationManagerFactory(properties, new ReplicaClients(s3),
				LitestreamAutoConfiguration.dataSourceUrl(environment));
		Map<String, Database> databases = new LinkedHashMap<>();
		factory.configured()
			.forEach((name, database) -> databases.put(name,
					new Database(name, database.options(), database.replicas(), factory.prefix(name))));
		return databases;
	}

	/**
	 * One configured database.
	 *
	 * @param name its name ({@code litestream.databases.<name>})
	 * @param options its options, the path included
	 * @param replicas its replicas, with their clients and codecs
	 * @param property the prefix of its properties, for messages
	 */
	public record Database(String name, DatabaseOptions options, List<ReplicaSpec> replicas,
			String property) implements AutoCloseable {

		public Database {
			replicas = List.copyOf(replicas);
		}

		/** Closes every replica's client. */
		@Override
		public void close() {
			List<RuntimeException> failures = new ArrayList<>();
			for (ReplicaSpec replica : this.replicas) {
				try {
					replica.client().close();
				}
				catch (Exception ex) {
					failures.add(new IllegalStateException("closing " + replica.client().location(), ex));
				}
			}
			if (!failures.isEmpty()) {
				throw failures.get(0);
			}
		}

		/** Whether a replica is named {@code name}. */
		public boolean hasReplica(String name) {
			return this.replicas.stream().anyMatch((replica) -> replica.options().name().equals(name));
		}

		/** The client of the replica named {@code name}. */
		public ReplicaClient client(String name) {
			return this.replicas.stream()
				.filter((replica) -> replica.options().name().equals(name))
				.findFirst()
				.orElseThrow()
				.client();
		}

	}

}
