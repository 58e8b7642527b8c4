package io.github.jlitestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * 1. Write throughput: a fixed count of one-row transactions (100-byte payload, WAL,
 * {@code synchronous=NORMAL}, busy timeout) as fast as one connection commits them, with
 * SQLite alone, with this engine replicating in the same JVM, and with
 * {@code litestream replicate}, interleaved run by run; both replicators also with the
 * application's auto-checkpoint above their max page count, where their checkpoints are
 * the only ones. Each run starts on a fresh database and bucket once the replica holds
 * its first snapshot and segment (so the initial snapshot is not in the timed part); the
 * timed part is the commit loop only.
 */
final class ThroughputBenchmark {

	/**
	 * The application's auto-checkpoint above the replicator's max checkpoint page count
	 * (10,000 for both): never reached while the replicator restarts the WAL, a safety
	 * net when it stops.
	 */
	private static final int LEFT_TO_REPLICATOR = 20_000;

	private final Env env;

	private final Settings settings;

	private final Report report;

	ThroughputBenchmark(Env env, Settings settings, Report report) {
		this.env = env;
		this.settings = settings;
		this.report = report;
	}

	Map<String, Object> run() throws Exception {
		List<Variant> variants = List.of(new Variant(Replicator.Setup.sqliteAlone(), null),
				new Variant(Replicator.Setup.engine(null), null), new Variant(Replicator.Setup.litestream(null), null),
				new Variant(Replicator.Setup.engine(null), LEFT_TO_REPLICATOR),
				new Variant(Replicator.Setup.litestream(null), LEFT_TO_REPLICATOR));
		int count = this.settings.throughputTransactions();
		// Warm-up (not recorded), one run of each setup: JIT-compiles the writer and the
		// driver, and the engine's upload path (SDK, codec), as in a service that has
		// been running for a while; before, the first engine run still had the compiler
		// threads busy on a core the writer needs.
		for (Variant variant : variants.subList(0, 3)) {
			runOnce(variant, Math.max(100, count / 2));
		}
		Map<Variant, List<Double>> results = new LinkedHashMap<>();
		variants.forEach((variant) -> results.put(variant, new ArrayList<>()));
		for (int rep = 0; rep < this.settings.throughputRepetitions(); rep++) {
			for (Variant variant : variants) {
				results.get(variant).add(runOnce(variant, count));
			}
		}

		double baseline = Stats.median(results.get(variants.get(0)));
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("transactions", count);
		json.put("repetitions", this.settings.throughputRepetitions());
		json.put("payloadBytes", SqliteWriter.PAYLOAD_BYTES);
		List<Object> rows = new ArrayList<>();
		List<List<String>> table = new ArrayList<>();
		for (Variant variant : variants) {
			List<Double> runs = results.get(variant);
			double median = Stats.median(runs);
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("setup", variant.setup().label());
			row.put("applicationWalAutocheckpoint",
					(variant.walAutocheckpoint() != null) ? variant.walAutocheckpoint() : "default");
			row.put("medianTxPerSec", Stats.round(median, 1));
			row.put("runsTxPerSec", runs.stream().map((v) -> Stats.round(v, 1)).toList());
			row.put("ratioVsSqliteAlone", Stats.round(median / baseline, 4));
			rows.add(row);
			table.add(List.of(variant.setup().label(),
					(variant.walAutocheckpoint() == null) ? "1,000 (default)"
							: "%,d".formatted(variant.walAutocheckpoint()),
					Stats.fmt0(median), String.join(" ", runs.stream().map(Stats::fmt0).toList()),
					Stats.fmt(median / baseline, 3)));
		}
		json.put("setups", rows);

		this.report.line("");
		this.report.line("1. Write throughput: %,d one-row transactions (%d-byte payload, WAL, synchronous=NORMAL, "
			.formatted(count, SqliteWriter.PAYLOAD_BYTES)
				+ "busy_timeout), %d interleaved runs per setup, median"
					.formatted(this.settings.throughputRepetitions()));
		this.report
			.line("   app wal_autocheckpoint: the writer connection's PRAGMA wal_autocheckpoint; %,d (twice both "
				.formatted(LEFT_TO_REPLICATOR) + "replicators' max checkpoint page count) leaves checkpoints to the "
					+ "replicator while it runs (README: \"Write-heavy services\")");
		this.report.table(List.of("setup", "app wal_autocheckpoint", "tx/s (median)", "runs (tx/s)", "vs SQLite alone"),
				table);

		double engineRatio = Stats.median(results.get(variants.get(1))) / baseline;
		double litestreamRatio = Stats.median(results.get(variants.get(2))) / baseline;
		this.report.target("write throughput with replication", ">= 95% of SQLite alone",
				"%.1f%% (litestream: %.1f%%)".formatted(engineRatio * 100, litestreamRatio * 100), engineRatio >= 0.95);
		double engineTipRatio = Stats.median(results.get(variants.get(3))) / baseline;
		double litestreamTipRatio = Stats.median(results.get(variants.get(4))) / baseline;
		this.report.target("write throughput, app wal_autocheckpoint %,d".formatted(LEFT_TO_REPLICATOR),
				">= 95% of SQLite alone (default)",
				"%.1f%% (litestream: %.1f%%)".formatted(engineTipRatio * 100, litestreamTipRatio * 100),
				engineTipRatio >= 0.95);
		return json;
	}

	/**
	 * A setup, and the application connection's auto-checkpoint in pages (null: SQLite's
	 * default).
	 */
	private record Variant(Replicator.Setup setup, @Nullable Integer walAutocheckpoint) {
	}

	private double runOnce(Variant variant, int count) throws Exception {
		Replicator.Setup setup = variant.setup();
		try (Env.Run run = this.env.newRun("tp-" + setup.kind().name().toLowerCase());
				SqliteWriter writer = SqliteWriter.open(run.database(), variant.walAutocheckpoint())) {
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
