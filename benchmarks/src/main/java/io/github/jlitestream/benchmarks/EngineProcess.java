package io.github.jlitestream.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.sun.management.OperatingSystemMXBean;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.s3.S3ReplicaClient;
import io.github.jlitestream.s3.S3ReplicaClientFactory;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;

/**
 * The child JVM of the cost benchmark: this engine, and nothing else, replicating one
 * database to the S3Proxy, as {@code litestream replicate} does in its own process. Reads
 * commands from stdin: {@code mark} prints
 * {@code mark <engine threads CPU ns> <process CPU ns> <sum of heap pools' peak bytes>};
 * {@code stop} (or end of input) stops the engine (final sync) and prints
 * {@code stopped complete=<bool>}.
 * <p>
 * Arguments: database path, S3 endpoint, access key, secret key, bucket, prefix, sync
 * interval in ms or {@code default}.
 */
public final class EngineProcess {

	private EngineProcess() {
	}

	public static void main(String[] args) throws Exception {
		Path database = Path.of(args[0]);
		S3ReplicaClientFactory factory = S3ReplicaClientFactory.builder()
			.endpoint(URI.create(args[1]))
			.region("us-east-1")
			.forcePathStyle(true)
			.credentials(args[2], args[3])
			// S3Proxy rejects the SDK's default trailing checksums over plain HTTP (see
			// S3ProxyServer).
			.customizer((builder) -> builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED))
			.build();
		ReplicaOptions.Builder options = ReplicaOptions.builder("s3");
		if (!args[6].equals("default")) {
			options.syncInterval(Duration.ofMillis(Long.parseLong(args[6])));
		}
		S3ReplicaClient client = factory.create("s3://" + args[4] + "/" + args[5]);
		ReplicationManager manager = new ReplicationManager();
		manager.add("bench", DatabaseOptions.of(database),
				List.of(new ReplicationManager.ReplicaSpec(client, options.build())));
		manager.start();
		System.out.println("started");
		System.out.flush();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			if (line.equals("mark")) {
				System.out.println(
						"mark " + Replicator.engineThreadsCpuNanos() + " " + processCpuNanos() + " " + heapPeakBytes());
				System.out.flush();
			}
			else if (line.equals("stop")) {
				break;
			}
		}
		boolean complete = manager.stop();
		client.close();
		System.out.println("stopped complete=" + complete);
		System.out.flush();
		System.exit(0);
	}

	private static long processCpuNanos() {
		return (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os)
				? os.getProcessCpuTime() : -1;
	}

	private static long heapPeakBytes() {
		long total = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			if (pool.getType() == MemoryType.HEAP) {
				total += pool.getPeakUsage().getUsed();
			}
		}
		return total;
	}

}
