package io.github.jlitestream.benchmarks;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sizes and repetitions of one run. The full run is sized to finish well within 15
 * minutes on a 2-core machine; the smoke run exercises every path in seconds.
 *
 * @param name {@code full} or {@code smoke}
 * @param throughputTransactions one-row transactions per throughput run
 * @param throughputRepetitions interleaved repetitions of each throughput setup
 * @param sparseInterval the time between commits of the sparse lag load
 * @param sparseDuration how long each sparse lag run writes
 * @param moderateDuration how long each ~1,000 tx/s lag run writes
 * @param heavyDuration how long each ~10,000 tx/s lag run writes
 * @param lagRepetitions interleaved repetitions of each lag setup
 * @param pollInterval how often the store is listed during lag runs
 * @param costTransactions transactions at 1,000 tx/s per cost run (after a warm-up)
 * @param costWarmup time at 1,000 tx/s before a cost run is measured
 * @param costRepetitions interleaved repetitions of each cost setup
 * @param snapshotDbBytes size of the snapshot-shaped restore database
 * @param snapshotDbCommits small commits after its snapshot (one WAL index)
 * @param tailDbBytes size of the long-tail restore database
 * @param tailIndexes WAL indexes of its tail
 * @param tailCommitsPerIndex commits (one segment each) per WAL index of its tail
 * @param snapshotRestoreRepetitions interleaved repetitions of the snapshot-shaped
 * restore
 * @param tailRestoreRepetitions interleaved repetitions of the long-tail restore
 */
record Settings(String name, int throughputTransactions, int throughputRepetitions, Duration sparseInterval,
		Duration sparseDuration, Duration moderateDuration, Duration heavyDuration, int lagRepetitions,
		Duration pollInterval, int costTransactions, Duration costWarmup, int costRepetitions, long snapshotDbBytes,
		int snapshotDbCommits, long tailDbBytes, int tailIndexes, int tailCommitsPerIndex,
		int snapshotRestoreRepetitions, int tailRestoreRepetitions) {

	static final double MODERATE_RATE = 1_000;

	static final double HEAVY_RATE = 10_000;

	static Settings full() {
		return new Settings("full", 200_000, 4, Duration.ofMillis(500), Duration.ofSeconds(12), Duration.ofSeconds(8),
				Duration.ofSeconds(5), 2, Duration.ofMillis(5), 10_000, Duration.ofSeconds(5), 2, 1L << 30, 20,
				100L << 20, 50, 100, 2, 3);
	}

	static Settings smoke() {
		return new Settings("smoke", 300, 1, Duration.ofMillis(500), Duration.ofMillis(1500), Duration.ofMillis(500),
				Duration.ofMillis(300), 1, Duration.ofMillis(10), 1_000, Duration.ofMillis(200), 1, 2L << 20, 5,
				1L << 20, 5, 10, 1, 1);
	}

	Map<String, Object> describe() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("name", this.name);
		map.put("throughputTransactions", this.throughputTransactions);
		map.put("throughputRepetitions", this.throughputRepetitions);
		map.put("sparseIntervalMs", this.sparseInterval.toMillis());
		map.put("sparseDurationMs", this.sparseDuration.toMillis());
		map.put("moderateDurationMs", this.moderateDuration.toMillis());
		map.put("heavyDurationMs", this.heavyDuration.toMillis());
		map.put("lagRepetitions", this.lagRepetitions);
		map.put("pollIntervalMs", this.pollInterval.toMillis());
		map.put("costTransactions", this.costTransactions);
		map.put("costWarmupMs", this.costWarmup.toMillis());
		map.put("costRepetitions", this.costRepetitions);
		map.put("snapshotDbBytes", this.snapshotDbBytes);
		map.put("snapshotDbCommits", this.snapshotDbCommits);
		map.put("tailDbBytes", this.tailDbBytes);
		map.put("tailIndexes", this.tailIndexes);
		map.put("tailCommitsPerIndex", this.tailCommitsPerIndex);
		map.put("snapshotRestoreRepetitions", this.snapshotRestoreRepetitions);
		map.put("tailRestoreRepetitions", this.tailRestoreRepetitions);
		return map;
	}

}
