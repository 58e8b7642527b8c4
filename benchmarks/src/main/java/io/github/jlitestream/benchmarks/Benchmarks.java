package io.github.jlitestream.benchmarks;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.jlitestream.core.testing.LitestreamBinary;
import org.gaul.s3proxy.S3Proxy;

/**
 * Benchmarks of this engine side by side with Litestream v0.3.13 (issue 6), against an
 * S3Proxy on 127.0.0.1 that keeps its objects on disk in a temporary directory. Every
 * comparison runs its alternatives interleaved (A, B, C, A, B, C, ...) and reports
 * medians (lag: percentiles of the pooled runs) and ratios. Prints tables and writes
 * JSON. <pre>
 * mvn -q -B -pl benchmarks -am package -DskipTests &amp;&amp; java -jar benchmarks/target/benchmarks.jar
 * </pre> Options: {@code --smoke} (tiny sizes, seconds), {@code --output <file>} (default
 * {@code results.json} beside the jar, that is {@code benchmarks/target/results.json}),
 * {@code --only throughput,lag,restore,cost}.
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) {
		int status = 0;
		try {
			run(args);
		}
		catch (Throwable ex) {
			System.err.println("benchmark failed: " + ex);
			ex.printStackTrace();
			status = 1;
		}
		System.exit(status);
	}

	/** Runs the benchmarks; returns what was written as JSON. */
	public static Map<String, Object> run(String... args) throws Exception {
		boolean smoke = false;
		Path output = null;
		Set<String> only = null;
		int storageMinutes = 20;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--smoke" -> smoke = true;
				case "--output" -> output = Path.of(args[++i]);
				case "--storage-minutes" -> storageMinutes = Integer.parseInt(args[++i]);
				case "--only" -> {
					only = Set.of(args[++i].split(","));
					if (!Set.of("throughput", "lag", "restore", "cost", "storage").containsAll(only)) {
						throw new IllegalArgumentException(
								"--only takes throughput, lag, restore, cost, storage: " + only);
					}
				}
				default -> throw new IllegalArgumentException("Unknown argument " + args[i]
						+ " (use --smoke, --output <file>, --only throughput,lag,restore,cost,storage, "
						+ "--storage-minutes <n>)");
			}
		}
		if (only == null) {
			// the storage benchmark writes for 20 minutes per replicator: only when asked
			// for, or in the smoke run
			only = smoke ? Set.of("throughput", "lag", "restore", "cost", "storage")
					: Set.of("throughput", "lag", "restore", "cost");
		}
		if (output == null) {
			output = defaultOutput();
		}
		Settings settings = smoke ? Settings.smoke() : Settings.full();
		long started = System.nanoTime();
		Report report = new Report();
		Map<String, Object> json = new LinkedHashMap<>();
		String litestreamVersion = LitestreamBinary.run(Path.of("").toAbsolutePath(), 30, "version").output().trim();
		Map<String, Object> machine = Machine.describe(litestreamVersion);
		json.put("startedAt", Instant.now().toString());
		json.put("machine", machine);
		json.put("settings", settings.describe());
		json.put("method", method());

		report.line("Litestream for Java vs Litestream v0.3.13: benchmarks (" + settings.name() + " run)");
		report.line("Machine: " + Machine.summary(machine));
		try (Env env = Env.start()) {
			report.line("Store: S3Proxy %s on %s, objects on disk in %s".formatted(
					S3Proxy.class.getPackage().getImplementationVersion() == null ? "2.9"
							: S3Proxy.class.getPackage().getImplementationVersion(),
					env.server().endpoint(), env.root()));
			if (only.contains("throughput")) {
				progress(started, "write throughput");
				json.put("writeThroughput", new ThroughputBenchmark(env, settings, report).run());
			}
			if (only.contains("lag")) {
				progress(started, "replication lag");
				json.put("replicationLag", new LagBenchmark(env, settings, report).run());
			}
			if (only.contains("restore")) {
				progress(started, "restore");
				json.put("restore", new RestoreBenchmark(env, settings, report).run());
			}
			if (only.contains("cost")) {
				progress(started, "cost");
				json.put("cost", new CostBenchmark(env, settings, report).run());
			}
			if (only.contains("storage")) {
				progress(started, "storage");
				json.put("storage",
						new StorageBenchmark(env, report,
								smoke ? Duration.ofSeconds(4) : Duration.ofMinutes(storageMinutes),
								smoke ? Duration.ofSeconds(1) : Duration.ofMinutes(1))
							.run());
			}
		}
		report.printTargets();
		double seconds = (System.nanoTime() - started) / 1e9;
		report.line("");
		report.line("Total duration: %.0f s (%s run). JSON: %s".formatted(seconds, settings.name(), output));
		json.put("targets", report.targets());
		json.put("durationSeconds", Stats.round(seconds, 1));
		json.put("report", report.text());
		if (output.getParent() != null) {
			Files.createDirectories(output.getParent());
		}
		Files.writeString(output, Json.write(json));
		return json;
	}

	private static void progress(long started, String section) {
		System.err.printf("[%4.0f s] %s ...%n", (System.nanoTime() - started) / 1e9, section);
	}

	/** {@code results.json} in the directory of the jar (or of the classes directory). */
	private static Path defaultOutput() {
		try {
			Path code = Path.of(Benchmarks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			return code.getParent().resolve("results.json");
		}
		catch (URISyntaxException | RuntimeException ex) {
			return Path.of("results.json");
		}
	}

	private static Map<String, Object> method() {
		Map<String, Object> method = new LinkedHashMap<>();
		method.put("interleaving",
				"every comparison runs its alternatives in turn (A, B, C, A, B, C, ...), each run on "
						+ "a fresh database, directory and bucket");
		method.put("writeThroughput",
				"one connection commits one-row transactions as fast as it can; the timed part is "
						+ "the commit loop, after the replica holds its first snapshot and segment");
		method.put("lag", "commit returned (System.nanoTime) -> return of the first ListObjectsV2 (own S3 client, "
				+ "every poll interval, startAfter the greatest key seen) that shows a WAL segment holding the commit's "
				+ "last WAL byte; commits are located in the real WAL after each commit (lifetime salts + end offset), "
				+ "segments by downloading them (lifetime salts + decompressed length); percentiles are nearest-rank over "
				+ "all runs pooled; WAL PUT/s = segments appearing from the first commit until the last was held, over "
				+ "that time");
		method.put("restore", "replicas written directly in Litestream's layout from a real WAL generated locally; the "
				+ "same replica is restored by both tools; time includes client creation / process start; every output "
				+ "checked (row count, sum of a random column)");
		method.put("cost", "replicator in its own process (child JVM running only the engine, or litestream); CPU = "
				+ "utime+stime from /proc/<pid>/stat; peak memory = VmHWM from /proc/<pid>/status; for the JVM also the "
				+ "engine threads' CPU (ThreadMXBean) and the sum of the heap pools' peak usage");
		method.put("units", List.of("MB = 10^6 bytes", "MiB = 2^20 bytes", "ms = milliseconds"));
		return method;
	}

}
