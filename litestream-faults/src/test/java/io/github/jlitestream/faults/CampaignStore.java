package io.github.jlitestream.faults;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.testing.LitestreamBinary;
import io.github.jlitestream.s3.S3ReplicaClient;
import io.github.jlitestream.s3.testing.S3ProxyServer;

/**
 * The store a campaign replicates to, as the engine process is told it and as the
 * campaign reads it back (with this project's restore and with Litestream v0.3.13's).
 */
interface CampaignStore extends AutoCloseable {

	/** Its name in reports. */
	String name();

	/** The engine process's replica argument. */
	String engineArgument();

	/** A client on it for the campaign's own restores. */
	ReplicaClient client();

	/**
	 * Restores the latest state with the Litestream v0.3.13 binary into {@code output}.
	 */
	LitestreamBinary.Result restoreWithLitestream(Path workDir, Path database, Path output)
			throws IOException, InterruptedException;

	@Override
	void close();

	/** A directory on the local file system (the file replica). */
	static CampaignStore directory(Path dir) {
		FileReplicaClient client = new FileReplicaClient(dir);
		return new CampaignStore() {

			@Override
			public String name() {
				return "file";
			}

			@Override
			public String engineArgument() {
				return "file:" + dir;
			}

			@Override
			public ReplicaClient client() {
				return client;
			}

			@Override
			public LitestreamBinary.Result restoreWithLitestream(Path workDir, Path database, Path output)
					throws IOException, InterruptedException {
				return LitestreamBinary.run(workDir, 300, "restore", "-o", output.toString(), dir.toUri().toString());
			}

			@Override
			public void close() {
			}

		};
	}

	/** A bucket of an S3Proxy on loopback that the campaign started (and stops). */
	static CampaignStore s3(S3ProxyServer server, String bucket) {
		return s3(server, bucket, server.endpoint());
	}

	/**
	 * A bucket of an S3Proxy that the engine reaches through {@code engineEndpoint} (a
	 * proxy that misbehaves), while restores reach it directly.
	 */
	static CampaignStore s3(S3ProxyServer server, String bucket, URI engineEndpoint) {
		server.createBucket(bucket);
		String url = "s3://" + bucket + "/db";
		S3ReplicaClient client = server.clientFactory().build().create(url);
		return new CampaignStore() {

			@Override
			public String name() {
				return "S3Proxy";
			}

			@Override
			public String engineArgument() {
				return "s3:" + engineEndpoint + " " + url;
			}

			@Override
			public ReplicaClient client() {
				return client;
			}

			@Override
			public LitestreamBinary.Result restoreWithLitestream(Path workDir, Path database, Path output)
					throws IOException, InterruptedException {
				String yaml = """
						dbs:
						  - path: %s
						    replicas:
						      - type: s3
						        bucket: %s
						        path: db
						        endpoint: %s
						        region: %s
						        force-path-style: true
						        access-key-id: %s
						        secret-access-key: %s
						""".formatted(database.toAbsolutePath(), bucket, server.endpoint(), server.region(),
						server.accessKey(), server.secretKey());
				Path config = workDir.resolve("litestream.yml");
				Files.writeString(config, yaml);
				return LitestreamBinary.run(workDir, 300, "restore", "-config", config.toString(), "-o",
						output.toString(), database.toAbsolutePath().toString());
			}

			@Override
			public void close() {
				client.close();
			}

		};
	}

}
