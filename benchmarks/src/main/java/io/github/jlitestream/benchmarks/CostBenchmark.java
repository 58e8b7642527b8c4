package io.github.jlitestream.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * 4. Cost of replication at 1,000 tx/s. Both replicators run in their own process, so
 * that the same {@code /proc} figures describe both: this engine alone in a child JVM
 * ({@link EngineProcess}, with the JVM's default options, and once more with a small
 * heap), Litestream in its own process. The writer (in the benchmark's JVM) commits for a
 * warm-up, then the measured count at 1,000 tx/s.
 * <ul>
 * <li>CPU: {@code utime + stime} of the replicator's process ({@code /proc/<pid>/stat}),
 * over the measured commits (as % of one core) and over the commits plus 2 s for the last
 * upload (scaled to seconds per 10,000 transactions). For the child JVM also the CPU of
 * its engine threads alone ({@code litestream-*}, ThreadMXBean): the rest is the JVM
 * (JIT, GC, SDK housekeeping).</li>
 * <li>Memory: peak resident set size ({@code VmHWM}) of the process over its life; for
 * the child JVM also the sum of its heap pools' peak usage.</li>
 * </ul>
 */
final class CostBenchmark {

	private static final Duration TAIL = Duration.ofSeconds(2);

	private final Env env;

	private final Settings settings;

	private final Report report;

	CostBenchmark(Env env, Settings settings, Report report) {
		this.env = env;
		this.settings = settings;
		this.report = report;
	}

	record Measured(double cpuPercentOfCore, double cpuSecondsPer10k, double engineThreadsCpuSecondsPer10k,
			long peakRssBytes, long heapPeakBytes, double achievedTxPerSec) {
	}

	Map<String, Object> run() throws Exception {
		List<Replicator.Setup> setups = List.of(
				Replicator.Setup.engineProcess("this engine (own JVM, default options)", List.of()),
				Replicator.Setup.engineProcess("this engine (own JVM, -Xmx64m -XX:+UseSerialGC)",
						List.of("-Xmx64m", "-XX:+UseSerialGC")),
				Replicator.Setup.litestream(null));
		Map<Replicator.Setup, List<Measured>> results = new LinkedHashMap<>();
		setups.forEach((setup) -> results.put(setup, new ArrayList<>()));
		for (int rep = 0; rep < this.settings.costRepetitions(); rep++) {
			for (Replicator.Setup setup : setups) {
				results.get(setup).add(runOnce(setup));
			}
		}
		List<Object> rows = new ArrayList<>();
		List<List<String>> table = new ArrayList<>();
		for (Replicator.Setup setup : setups) {
			List<Measured> runs = results.get(setup);
			boolean jvm = setup.kind() == Replicator.Kind.ENGINE_PROCESS;
			double cpuPercent = Stats.median(runs.stream().map(Measured::cpuPercentOfCore).toList());
			double per10k = Stats.median(runs.stream().map(Measured::cpuSecondsPer10k).toList());
			double threads = Stats.median(runs.stream().map(Measured::engineThreadsCpuSecondsPer10k).toList());
			double rss = Stats.median(runs.stream().map((m) -> (double) m.peakRssBytes()).toList());
			double heap = Stats.median(runs.stream().map((m) -> (double) m.heapPeakBytes()).toList());
			double achieved = Stats.median(runs.stream().map(Measured::achievedTxPerSec).toList());
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("setup", setup.label());
			row.put("achievedTxPerSec", Stats.round(achieved, 1));
			row.put("processCpuPercentOfCore", Stats.round(cpuPercent, 2));
			row.put("processCpuSecondsPer10kTx", Stats.round(per10k, 3));
			row.put("engineThreadsCpuSecondsPer10kTx", jvm ? Stats.round(threads, 3) : null);
			row.put("peakRssBytes", (long) rss);
			row.put("heapPeakBytes", jvm ? (long) heap : null);
			row.put("runs", runs.stream().map((m) -> {
				Map<String, Object> r = new LinkedHashMap<>();
				r.put("processCpuPercentOfCore", Stats.round(m.cpuPercentOfCore(), 2));
				r.put("processCpuSecondsPer10kTx", Stats.round(m.cpuSecondsPer10k(), 3));
				r.put("engineThreadsCpuSecondsPer10kTx",
						jvm ? Stats.round(m.engineThreadsCpuSecondsPer10k(), 3) : null);
				r.put("peakRssBytes", m.peakRssBytes());
				r.put("heapPeakBytes", jvm ? m.heapPeakBytes() : null);
				return (Object) r;
			}).toList());
			rows.add(row);
			table.add(List.of(setup.label(), Stats.fmt0(achieved), Stats.fmt(cpuPercent, 1) + "%", Stats.fmt(per10k, 2),
					jvm ? Stats.fmt(threads, 2) : "-", Stats.fmt(rss / (1 << 20), 1),
					jvm ? Stats.fmt(heap / (1 << 20), 1) : "-"));
		}
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("transactions", this.settings.costTransactions());
		json.put("rateTxPerSec", Settings.MODERATE_RATE);
		json.put("warmupMs", this.settings.costWarmup().toMillis());
		json.put("tailMs", TAIL.toMillis());
		json.put("repetitions", this.settings.costRepetitions());
		json.put("setups", rows);

		this.report.line("");
		this.report
			.line(("4. Cost of replication at 1,000 tx/s (%,d measured tx after %d ms warm-up, replicator in its "
					+ "own process, %d interleaved runs, median; CPU = utime+stime of that process; peak RSS = VmHWM)")
				.formatted(this.settings.costTransactions(), this.settings.costWarmup().toMillis(),
						this.settings.costRepetitions()));
		this.report.table(List.of("replicator", "tx/s", "CPU % of a core", "CPU s / 10k tx", "engine threads s / 10k",
				"peak RSS MiB", "heap peak MiB"), table);
		double ours = Stats.median(results.get(setups.get(0)).stream().map(Measured::cpuPercentOfCore).toList());
		double theirs = Stats.median(results.get(setups.get(2)).stream().map(Measured::cpuPercentOfCore).toList());
		this.report.target("CPU at 1,000 tx/s", "< 10% of one core",
				"%s%% of a core, whole JVM (litestream: %s%%)".formatted(Stats.fmt(ours, 1), Stats.fmt(theirs, 1)),
				ours < 10);
		return json;
	}

	private Measured runOnce(Replicator.Setup setup) throws Exception {
		try (Env.Run run = this.env.newRun("cost-" + setup.kind().name().toLowerCase());
				SqliteWriter writer = SqliteWriter.open(run.database())) {
			try (Replicator replicator = setup.start(this.env, run)) {
				try (StorePoller store = new StorePoller(this.env.s3(), run.bucket(), run.prefix(),
						this.settings.pollInterval())) {
					store.awaitReplica(Duration.ofSeconds(60), replicator.process());
				}
				long period = (long) (1e9 / Settings.MODERATE_RATE);
				writer.commitPaced((int) (this.settings.costWarmup().toMillis() * Settings.MODERATE_RATE / 1000),
						period);
				long pid = replicator.process().pid();
				Replicator.ChildEngine child = (replicator instanceof Replicator.ChildEngine c) ? c : null;
				long[] markBefore = (child != null) ? child.mark() : null;
				long cpuBefore = ProcStats.cpuNanos(pid);
				int count = this.settings.costTransactions();
				long writerNanos = writer.commitPaced(count, period);
				long cpuAtEnd = ProcStats.cpuNanos(pid);
				Thread.sleep(TAIL.toMillis());
				long cpuAfterTail = ProcStats.cpuNanos(pid);
				long[] markAfter = (child != null) ? child.mark() : null;
				long peakRss = ProcStats.peakRssBytes(pid);
				double scale = 10_000.0 / count;
				double threads = (child != null) ? (markAfter[0] - markBefore[0]) / 1e9 * scale : Double.NaN;
				long heapPeak = (child != null) ? markAfter[2] : 0;
				return new Measured(100.0 * (cpuAtEnd - cpuBefore) / writerNanos,
						(cpuAfterTail - cpuBefore) / 1e9 * scale, threads, peakRss, heapPeak,
						count / (writerNanos / 1e9));
			}
		}
	}

}
