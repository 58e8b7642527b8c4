package io.github.jlitestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 1. Write throughput: a fixed count of one-row transactions (100-byte payload, WAL, {@code synchronous=NORMAL},
 * busy timeout) as fast as one connection commits them, with SQLite alone, with this engine replicating in the same
 * JVM, and with {@code litestream replicate}, interleaved run by run. Each run starts on a fresh database and bucket
 * once the replica holds its first snapshot and segment (so the initial snapshot is not in the timed part); the timed
 * part is the commit loop only.
 */
final class ThroughputBenchmark {

	private final Env env;

	private final Settings settings;

	private final Report report;

	ThroughputBenchmark(Env env, Settings settings, Report report) {
		this.env = env;
		this.settings = settings;
		this.report = report;
	}

	Map<String, Object> run() throws Exception {
		List<Replicator.Setup> setups = List.of(Replicator.Setup.sqliteAlone(), Replicator.Setup.engine(null),
				Replicator.Setup.litestream(null));
		int count = this.settings.throughputTransactions();
		// Warm-up (not recorded), one run of each setup: JIT-compiles the writer and the driver, and the engine's
		// upload path (SDK, codec), as in a service that has been running for a while; before, the first engine run
		// still had the compiler threads busy on a core the writer needs.
		for (Replicator.Setup setup : setups) {
			runOnce(setup, Math.max(100, count / 2));
		}
		Map<Replicator.Setup, List<Double>> results = new LinkedHashMap<>();
		setups.forEach((setup) -> results.put(setup, new ArrayList<>()));
		for (int rep = 0; rep < this.settings.throughputRepetitions(); rep++) {
			for (Replicator.Setup setup : setups) {
				results.get(setup).add(runOnce(setup, count));
			}
		}

		double baseline = Stats.median(results.get(setups.get(0)));
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("transactions", count);
		json.put("repetitions", this.settings.throughputRepetitions());
		json.put("payloadBytes", SqliteWriter.PAYLOAD_BYTES);
		List<Object> rows = new ArrayList<>();
		List<List<String>> table = new ArrayList<>();
		for (Replicator.Setup setup : setups) {
			List<Double> runs = results.get(setup);
			double median = Stats.median(runs);
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("setup", setup.label());
			row.put("medianTxPerSec", Stats.round(median, 1));
			row.put("runsTxPerSec", runs.stream().map((v) -> Stats.round(v, 1)).toList());
			row.put("ratioVsSqliteAlone", Stats.round(median / baseline, 4));
			rows.add(row);
			table.add(List.of(setup.label(), Stats.fmt0(median),
					String.join(" ", runs.stream().map(Stats::fmt0).toList()), Stats.fmt(median / baseline, 3)));
		}
		json.put("setups", rows);

		this.report.line("");
		this.report.line("1. Write throughput: %,d one-row transactions (%d-byte payload, WAL, synchronous=NORMAL, "
			.formatted(count, SqliteWriter.PAYLOAD_BYTES) + "busy_timeout), %d interleaved runs per setup, median"
				.formatted(this.settings.throughputRepetitions()));
		this.report.table(List.of("setup", "tx/s (median)", "runs (tx/s)", "vs SQLite alone"), table);

		double engineRatio = Stats.median(results.get(setups.get(1))) / baseline;
		double litestreamRatio = Stats.median(results.get(setups.get(2))) / baseline;
		this.report.target("write throughput with replication", ">= 95% of SQLite alone",
				"%.1f%% (litestream: %.1f%%)".formatted(engineRatio * 100, litestreamRatio * 100),
				engineRatio >= 0.95);
		return json;
	}

	private double runOnce(Replicator.Setup setup, int count) throws Exception {
		try (Env.Run run = this.env.newRun("tp-" + setup.kind().name().toLowerCase());
				SqliteWriter writer = SqliteWriter.open(run.database())) {
			try (Replicator replicator = setup.start(this.env, run)) {
				if (setup.kind() != Replicator.Kind.NONE) {
					try (StorePoller store = new StorePoller(this.env.s3(), run.bucket(), run.prefix(),
							this.settings.pollInterval())) {
						store.awaitReplica(Duration.ofSeconds(60), replicator.process());
					}
				}
				long nanos = writer.commitMany(count);
				return count / (nanos / 1e9);
			}
		}
	}

}
