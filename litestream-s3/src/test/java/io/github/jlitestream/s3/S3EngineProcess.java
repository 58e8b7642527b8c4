package io.github.jlitestream.s3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ForwardingReplicaClient;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.testing.RolePrinter;
import io.github.jlitestream.s3.testing.S3ProxyServer;

/**
 * An engine replicating to S3 in a process of its own, for the lease tests that cut one
 * instance off the store: prints {@code ROLE <database role> <lease role>} at each change
 * and {@code WROTE <key> <nanoTime>} after each object it stored; a line {@code stop} on
 * its input stops it gracefully. Arguments: database path, S3 endpoint, replica URL,
 * lease TTL in milliseconds.
 */
public final class S3EngineProcess {

	private S3EngineProcess() {
	}

	public static void main(String[] args) throws Exception {
		S3ReplicaClient s3 = S3ReplicaClientFactory.builder()
			.endpoint(URI.create(args[1]))
			.region(S3ProxyServer.REGION)
			.forcePathStyle(true)
			.credentials(S3ProxyServer.DEFAULT_ACCESS_KEY, S3ProxyServer.DEFAULT_SECRET_KEY)
			.customizer(S3ProxyServer::configureS3Client)
			.maxAttempts(3)
			.retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
			.connectTimeout(Duration.ofMillis(500))
			.socketTimeout(Duration.ofSeconds(1))
			.build()
			.create(args[2]);
		ReplicationManager manager = new ReplicationManager();
		manager.add("app", DatabaseOptions.builder(Path.of(args[0])).monitorInterval(Duration.ofMillis(50)).build(),
				List.of(new ReplicaSpec(new Printing(s3),
						ReplicaOptions.builder("s3")
							.syncInterval(Duration.ofMillis(50))
							.leaseTtl(Duration.ofMillis(Long.parseLong(args[3])))
							.build())));
		manager.start();
		RolePrinter.start(manager);
		BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = input.readLine()) != null && !line.equals("stop")) {
			// wait for the stop
		}
		System.out.println("STOPPED " + manager.stop());
		s3.close();
	}

	/** Prints each object it stored, with the monotonic time after the store answered. */
	private static final class Printing extends ForwardingReplicaClient {

		Printing(ReplicaClient delegate) {
			super(delegate);
		}

		@Override
		public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression,
				ObjectContent content) throws IOException {
			SnapshotInfo info = super.writeSnapshot(generation, index, compression, content);
			System.out.println("WROTE snapshot/" + generation + "/" + index + " " + System.nanoTime());
			return info;
		}

		@Override
		public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
				ObjectContent content) throws IOException {
			WalSegmentInfo info = super.writeWalSegment(generation, index, offset, compression, content);
			System.out.println("WROTE wal/" + generation + "/" + index + "/" + offset + " " + System.nanoTime());
			return info;
		}

	}

}
