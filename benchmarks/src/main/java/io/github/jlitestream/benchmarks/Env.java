package io.github.jlitestream.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.github.jlitestream.core.testing.LitestreamBinary;
import io.github.jlitestream.s3.S3ReplicaClientFactory;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What every benchmark shares: a temporary directory, the S3Proxy server keeping its
 * objects on disk in it, one S3 client for the benchmark's own requests, and every
 * process the benchmark started, stopped at the end (also when the JVM is interrupted).
 */
final class Env implements AutoCloseable {

	/**
	 * Processes started by this benchmark (Litestream and child JVMs), stopped by PID at
	 * the end.
	 */
	private static final Set<Process> processes = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(Env::stopProcesses, "benchmark-process-cleanup"));
	}

	private final Path root;

	private final S3ProxyServer server;

	private final S3ReplicaClientFactory factory;

	private final S3Client s3;

	private final AtomicInteger runs = new AtomicInteger();

	private final Path litestream;

	private Env(Path root, S3ProxyServer server, Path litestream) {
		this.root = root;
		this.server = server;
		this.factory = server.clientFactory().build();
		this.s3 = this.factory.createS3Client();
		this.litestream = litestream;
	}

	static Env start() throws IOException, InterruptedException {
		Path litestream = LitestreamBinary.path();
		Path root = Files.createTempDirectory("jlitestream-benchmarks-");
		S3ProxyServer server = null;
		try {
			server = S3ProxyServer.startOnDisk(root.resolve("s3proxy"));
			return new Env(root, server, litestream);
		}
		catch (RuntimeException ex) {
			if (server != null) {
				server.close();
			}
			deleteTree(root);
			throw ex;
		}
	}

	Path root() {
		return this.root;
	}

	S3ProxyServer server() {
		return this.server;
	}

	/** Builds replica clients of the S3Proxy with the engine's defaults. */
	S3ReplicaClientFactory factory() {
		return this.factory;
	}

	/** The benchmark's own S3 client (not the engine's). */
	S3Client s3() {
		return this.s3;
	}

	Path litestreamBinary() {
		return this.litestream;
	}

	/** A fresh directory and bucket for one run. */
	Run newRun(String label) throws IOException {
		int n = this.runs.incrementAndGet();
		String bucket = "run-%03d-%s".formatted(n, label.replaceAll("[^a-z0-9]", ""));
		bucket = bucket.substring(0, Math.min(bucket.length(), 40));
		Path dir = Files.createDirectories(this.root.resolve("runs").resolve(bucket));
		this.server.createBucket(bucket);
		return new Run(this, dir, bucket, "db");
	}

	/**
	 * A Litestream v0.3.13 configuration: one database, one S3 replica on this S3Proxy.
	 */
	Path litestreamConfig(Path dir, Path database, String bucket, String prefix, @Nullable Duration syncInterval)
			throws IOException {
		return litestreamConfig(dir, database, bucket, prefix, syncInterval, this.server.endpoint());
	}

	/** As above, reaching the store at {@code endpoint} (a proxy in front of it). */
	Path litestreamConfig(Path dir, Path database, String bucket, String prefix, @Nullable Duration syncInterval,
			URI endpoint) throws IOException {
		String yaml = """
				dbs:
				  - path: %s
				    replicas:
				      - type: s3
				        bucket: %s
				        path: %s
				        endpoint: %s
				        region: %s
				        force-path-style: true
				        access-key-id: %s
				        secret-access-key: %s
				""".formatted(database.toAbsolutePath(), bucket, prefix, endpoint, this.server.region(),
				this.server.accessKey(), this.server.secretKey());
		if (syncInterval != null) {
			yaml += "        sync-interval: %dms\n".formatted(syncInterval.toMillis());
		}
		Path config = dir.resolve("litestream.yml");
		Files.writeString(config, yaml);
		return config;
	}

	/** Starts a process and registers it for stopping. */
	static Process startProcess(ProcessBuilder builder) throws IOException {
		Process process = builder.start();
		processes.add(process);
		return process;
	}

	/**
	 * Stops a process this benchmark started: SIGTERM, then SIGKILL after {@code grace}.
	 */
	static void stopProcess(Process process, Duration grace) {
		try {
			if (process.isAlive()) {
				process.destroy();
				if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly();
					process.waitFor(10, TimeUnit.SECONDS);
				}
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		finally {
			processes.remove(process);
		}
	}

	private static void stopProcesses() {
		for (Process process : new ArrayList<>(processes)) {
			process.destroyForcibly();
		}
	}

	static void deleteTree(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
			for (Path path : all) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			System.err.println("warning: could not delete " + root + ": " + ex.getMessage());
		}
	}

	@Override
	public void close() {
		for (Process process : new ArrayList<>(processes)) {
			stopProcess(process, Duration.ofSeconds(10));
		}
		try {
			this.s3.close();
		}
		finally {
			try {
				this.server.close();
			}
			finally {
				deleteTree(this.root);
			}
		}
	}

	/** One run's directory, bucket and prefix; closing deletes both. */
	record Run(Env env, Path dir, String bucket, String prefix) implements AutoCloseable {

		Path database() {
			return this.dir.resolve("bench.db");
		}

		String url() {
			return "s3://" + this.bucket + "/" + this.prefix;
		}

		@Override
		public void close() {
			try {
				this.env.server.deleteBucket(this.bucket);
			}
			catch (RuntimeException ex) {
				System.err.println("warning: could not delete bucket " + this.bucket + ": " + ex.getMessage());
			}
			deleteTree(this.dir);
		}

	}

}
