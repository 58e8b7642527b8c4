package io.github.jlitestream.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.s3.S3ReplicaClient;
import io.github.jlitestream.s3.S3ReplicaClientFactory;
import org.jspecify.annotations.Nullable;

/**
 * 3. Restore time from the S3Proxy: this engine's {@link Restorer} (defaults: 8 parallel
 * downloads and {@code PRAGMA integrity_check}; also without the integrity check, which
 * Litestream v0.3.13 does not run) against {@code litestream restore -config} (defaults:
 * 8 parallel downloads), interleaved, on replicas built by {@link ReplicaFixture}: (a) a
 * large database that is mostly one snapshot, (b) a smaller one followed by a long tail
 * of small WAL segments over many WAL indexes. The time is the whole call or process, S3
 * client creation included; MB/s is the restored database's size (10^6 bytes) over that
 * time. Every output is checked against the source (row count and sum of a random
 * column), then deleted.
 */
final class RestoreBenchmark {

	/** Added to every request of the far store. */
	static final long FAR_LATENCY_MILLIS = 20;

	/** The far store's bandwidth per connection. */
	static final long FAR_BYTES_PER_SECOND = 80_000_000;

	private final Env env;

	private final Settings settings;

	private final Report report;

	/** Medians through the far store, by scenario key. */
	private final Map<String, Map<Tool, Double>> far = new LinkedHashMap<>();

	private final List<List<String>> farTable = new ArrayList<>();

	RestoreBenchmark(Env env, Settings settings, Report report) {
		this.env = env;
		this.settings = settings;
		this.report = report;
	}

	enum Tool {

		ENGINE("this engine (Restorer)"), ENGINE_NO_CHECK("this engine, no integrity_check"),
		LITESTREAM("litestream restore v0.3.13");

		final String label;

		Tool(String label) {
			this.label = label;
		}

	}

	Map<String, Object> run() throws Exception {
		Settings s = this.settings;
		Map<String, Object> json = new LinkedHashMap<>();
		List<List<String>> table = new ArrayList<>();
		Map<Tool, Double> snapshotShaped = scenario("(a) snapshot-shaped", s.snapshotDbBytes(), 1,
				s.snapshotDbCommits(), s.snapshotRestoreRepetitions(), json, "snapshotShaped", table);
		Map<Tool, Double> walTail = scenario("(b) long WAL tail", s.tailDbBytes(), s.tailIndexes(),
				s.tailCommitsPerIndex(), s.tailRestoreRepetitions(), json, "longWalTail", table);

		this.report.line("");
		this.report
			.line("3. Restore from S3Proxy (on-disk store, loopback; page cache warm), interleaved runs, median; "
					+ "every output verified (row count and sum equal to the source)");
		this.report.table(List.of("replica", "restorer", "seconds (median)", "MB/s", "runs (s)", "vs litestream"),
				table);

		this.report.line("");
		this.report.line(("3b. The same restores through a far store: %d ms added to every request and %d MB/s per "
				+ "connection (a TCP proxy on loopback in front of the S3Proxy)")
			.formatted(FAR_LATENCY_MILLIS, FAR_BYTES_PER_SECOND / 1_000_000));
		this.report.table(List.of("replica", "restorer", "seconds (median)", "MB/s", "runs (s)", "vs litestream"),
				this.farTable);
		double farA = this.far.get("snapshotShaped").get(Tool.LITESTREAM)
				/ this.far.get("snapshotShaped").get(Tool.ENGINE);
		double farB = this.far.get("longWalTail").get(Tool.LITESTREAM) / this.far.get("longWalTail").get(Tool.ENGINE);
		this.report.target("restore from a far store, long WAL tail", ">= 5x faster than litestream",
				"%.2fx litestream's speed".formatted(farB), farB >= 5.0);
		this.report.target("restore from a far store, snapshot-shaped", ">= 4x faster than litestream",
				"%.2fx litestream's speed".formatted(farA), farA >= 4.0);

		double a = snapshotShaped.get(Tool.LITESTREAM) / snapshotShaped.get(Tool.ENGINE);
		double b = walTail.get(Tool.LITESTREAM) / walTail.get(Tool.ENGINE);
		this.report.target("restore, snapshot-shaped database", "at least as fast as litestream",
				"%.2fx litestream's speed (without integrity_check: %.2fx)".formatted(a,
						snapshotShaped.get(Tool.LITESTREAM) / snapshotShaped.get(Tool.ENGINE_NO_CHECK)),
				a >= 1.0);
		this.report.target("restore, long WAL tail", ">= 2x faster than litestream",
				"%.2fx litestream's speed (without integrity_check: %.2fx)".formatted(b,
						walTail.get(Tool.LITESTREAM) / walTail.get(Tool.ENGINE_NO_CHECK)),
				b >= 2.0);
		return json;
	}

	private Map<Tool, Double> scenario(String label, long bytes, int indexes, int commitsPerIndex, int repetitions,
			Map<String, Object> json, String key, List<List<String>> table) throws Exception {
		try (Env.Run run = this.env.newRun("restore")) {
			ReplicaFixture.Source source = ReplicaFixture.build(this.env, run, bytes, indexes, commitsPerIndex);
			Map<Tool, List<Double>> seconds = new LinkedHashMap<>();
			for (Tool tool : Tool.values()) {
				seconds.put(tool, new ArrayList<>());
			}
			List<Tool> order = List.of(Tool.ENGINE, Tool.LITESTREAM, Tool.ENGINE_NO_CHECK);
			for (int rep = 0; rep < repetitions; rep++) {
				for (Tool tool : order) {
					seconds.get(tool).add(restoreOnce(run, source, tool, rep));
				}
			}
			Map<Tool, Double> medians = new LinkedHashMap<>();
			seconds.forEach((tool, runs) -> medians.put(tool, Stats.median(runs)));
			Map<String, Object> scenario = new LinkedHashMap<>();
			scenario.put("databaseBytes", source.databaseBytes());
			scenario.put("rows", source.rows());
			scenario.put("snapshots", 1);
			scenario.put("walIndexes", source.indexes());
			scenario.put("walSegments", source.segments());
			scenario.put("storedBytes", source.storedBytes());
			scenario.put("buildSeconds", Stats.round(source.buildSeconds(), 2));
			scenario.put("repetitions", repetitions);
			List<Object> tools = new ArrayList<>();
			String shape = "%s: %.0f MB, 1 snapshot + %,d segments / %d WAL indexes".formatted(label,
					source.databaseBytes() / 1e6, source.segments(), source.indexes());
			for (Tool tool : Tool.values()) {
				double median = medians.get(tool);
				Map<String, Object> row = new LinkedHashMap<>();
				row.put("restorer", tool.label);
				row.put("medianSeconds", Stats.round(median, 3));
				row.put("mbPerSec", Stats.round(source.databaseBytes() / 1e6 / median, 1));
				row.put("runsSeconds", seconds.get(tool).stream().map((v) -> Stats.round(v, 3)).toList());
				row.put("speedVsLitestream", Stats.round(medians.get(Tool.LITESTREAM) / median, 3));
				row.put("verified", true);
				tools.add(row);
				table.add(List.of((tool == Tool.ENGINE) ? shape : "", tool.label, Stats.fmt(median, 2),
						Stats.fmt(source.databaseBytes() / 1e6 / median, 1),
						String.join(" ", seconds.get(tool).stream().map((v) -> Stats.fmt(v, 2)).toList()),
						Stats.fmt(medians.get(Tool.LITESTREAM) / median, 2) + "x"));
			}
			scenario.put("restorers", tools);
			scenario.put("farStore", farStore(run, source, repetitions, shape, key));
			json.put(key, scenario);
			return medians;
		}
	}

	/** The same replica restored through the far store by this engine and Litestream. */
	private Map<String, Object> farStore(Env.Run run, ReplicaFixture.Source source, int repetitions, String shape,
			String key) throws Exception {
		Map<Tool, List<Double>> seconds = new LinkedHashMap<>();
		seconds.put(Tool.ENGINE, new ArrayList<>());
		seconds.put(Tool.LITESTREAM, new ArrayList<>());
		try (LatencyProxy proxy = LatencyProxy.start(this.env.server().endpoint().getPort(), FAR_LATENCY_MILLIS,
				FAR_BYTES_PER_SECOND)) {
			for (int rep = 0; rep < repetitions; rep++) {
				for (Tool tool : seconds.keySet()) {
					seconds.get(tool).add(restoreOnce(run, source, tool, 100 + rep, proxy.endpoint()));
				}
			}
		}
		Map<Tool, Double> medians = new LinkedHashMap<>();
		seconds.forEach((tool, runs) -> medians.put(tool, Stats.median(runs)));
		this.far.put(key, medians);
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("latencyMillis", FAR_LATENCY_MILLIS);
		json.put("bytesPerSecondPerConnection", FAR_BYTES_PER_SECOND);
		List<Object> rows = new ArrayList<>();
		for (Tool tool : seconds.keySet()) {
			double median = medians.get(tool);
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("restorer", tool.label);
			row.put("medianSeconds", Stats.round(median, 3));
			row.put("runsSeconds", seconds.get(tool).stream().map((v) -> Stats.round(v, 3)).toList());
			row.put("speedVsLitestream", Stats.round(medians.get(Tool.LITESTREAM) / median, 3));
			rows.add(row);
			this.farTable.add(List.of((tool == Tool.ENGINE) ? shape : "", tool.label, Stats.fmt(median, 2),
					Stats.fmt(source.databaseBytes() / 1e6 / median, 1),
					String.join(" ", seconds.get(tool).stream().map((v) -> Stats.fmt(v, 2)).toList()),
					Stats.fmt(medians.get(Tool.LITESTREAM) / median, 2) + "x"));
		}
		json.put("restorers", rows);
		return json;
	}

	private double restoreOnce(Env.Run run, ReplicaFixture.Source source, Tool tool, int rep) throws Exception {
		return restoreOnce(run, source, tool, rep, null);
	}

	private double restoreOnce(Env.Run run, ReplicaFixture.Source source, Tool tool, int rep, @Nullable URI endpoint)
			throws Exception {
		Path output = run.dir().resolve("restored-%s-%d.db".formatted(tool.name().toLowerCase(), rep));
		long started = System.nanoTime();
		if (tool == Tool.LITESTREAM) {
			Path config = this.env.litestreamConfig(run.dir(), run.dir().resolve("source.db"), run.bucket(),
					run.prefix(), null, (endpoint != null) ? endpoint : this.env.server().endpoint());
			Path log = run.dir().resolve("litestream-restore.log");
			Process process = Env.startProcess(new ProcessBuilder(this.env.litestreamBinary().toString(), "restore",
					"-config", config.toString(), "-o", output.toString(), run.dir().resolve("source.db").toString())
				.directory(run.dir().toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile()));
			try {
				if (!process.waitFor(15, TimeUnit.MINUTES)) {
					throw new IllegalStateException("litestream restore did not finish");
				}
			}
			finally {
				Env.stopProcess(process, Duration.ofSeconds(5));
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("litestream restore failed (" + process.exitValue() + "): "
						+ Files.readString(log, StandardCharsets.UTF_8));
			}
		}
		else {
			S3ReplicaClientFactory factory = (endpoint != null)
					? this.env.server().clientFactory().endpoint(endpoint).build() : this.env.factory();
			try (S3ReplicaClient client = factory.create(run.url())) {
				RestoreOptions options = RestoreOptions.builder(output).integrityCheck(tool == Tool.ENGINE).build();
				new Restorer(new Lz4FrameCodec()).restore(client, options, RestoreProgress.NONE);
			}
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		long[] restored = ReplicaFixture.truth(output);
		if (restored[0] != source.rows() || restored[1] != source.hashSum()) {
			throw new IllegalStateException(tool.label + " restored " + restored[0] + " rows (sum " + restored[1]
					+ "), the source has " + source.rows() + " (sum " + source.hashSum() + ")");
		}
		for (String suffix : new String[] { "", "-wal", "-shm" }) {
			Files.deleteIfExists(output.resolveSibling(output.getFileName() + suffix));
		}
		return seconds;
	}

}
