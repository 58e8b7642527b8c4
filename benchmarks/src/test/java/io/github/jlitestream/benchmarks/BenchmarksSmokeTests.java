package io.github.jlitestream.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every benchmark with tiny sizes ({@code --smoke}) against a real S3Proxy and the
 * real Litestream v0.3.13: no timing assertions, only that every section ran, was
 * verified, and produced positive numbers.
 */
class BenchmarksSmokeTests {

	@Test
	@SuppressWarnings("unchecked")
	void smokeRunWritesEverySection() throws Exception {
		Path output = Path.of("target", "smoke-results.json");
		Files.deleteIfExists(output);
		Benchmarks.run("--smoke", "--output", output.toString());

		Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(output));
		assertThat(json).containsKeys("machine", "settings", "method", "writeThroughput", "replicationLag", "restore",
				"cost", "storage", "targets", "durationSeconds");
		Map<String, Object> machine = map(json, "machine");
		assertThat(number(machine, "cores")).isPositive();
		assertThat(number(machine, "memoryBytes")).isPositive();
		assertThat(machine.get("java")).asString().isNotBlank();
		assertThat(machine.get("os")).asString().isNotBlank();

		List<Object> throughput = list(map(json, "writeThroughput"), "setups");
		assertThat(throughput).hasSize(5);
		for (Object row : throughput) {
			assertThat(number((Map<String, Object>) row, "medianTxPerSec")).isPositive();
			assertThat(number((Map<String, Object>) row, "ratioVsSqliteAlone")).isPositive();
		}

		List<Object> lag = list(map(json, "replicationLag"), "configurations");
		assertThat(lag).hasSize(9);
		for (Object item : lag) {
			Map<String, Object> row = (Map<String, Object>) item;
			assertThat(number(row, "achievedTxPerSec")).as("%s", row).isPositive();
			assertThat(number(row, "commitsMeasured")).as("%s", row).isPositive();
			assertThat(number(row, "p50Ms")).as("%s", row).isPositive();
			assertThat(number(row, "p99Ms")).as("%s", row).isPositive();
			assertThat(number(row, "maxMs")).as("%s", row).isPositive();
			assertThat(number(row, "walPutsPerSec")).as("%s", row).isPositive();
			assertThat(number(row, "commitsNotHeld")).as("%s", row).isZero();
		}

		Map<String, Object> restore = map(json, "restore");
		for (String scenario : List.of("snapshotShaped", "longWalTail")) {
			Map<String, Object> shape = map(restore, scenario);
			assertThat(number(shape, "databaseBytes")).isPositive();
			assertThat(number(shape, "walSegments")).isPositive();
			List<Object> restorers = list(shape, "restorers");
			assertThat(restorers).hasSize(3);
			for (Object item : restorers) {
				Map<String, Object> row = (Map<String, Object>) item;
				assertThat(number(row, "medianSeconds")).isPositive();
				assertThat(number(row, "mbPerSec")).isPositive();
				assertThat(row.get("verified")).isEqualTo(true);
			}
		}
		assertThat(number(map(restore, "longWalTail"), "walIndexes")).isGreaterThan(1);
		for (String scenario : List.of("snapshotShaped", "longWalTail")) {
			List<Object> far = list(map(map(restore, scenario), "farStore"), "restorers");
			assertThat(far).hasSize(2);
			for (Object item : far) {
				assertThat(number((Map<String, Object>) item, "medianSeconds")).isPositive();
			}
		}

		List<Object> cost = list(map(json, "cost"), "setups");
		assertThat(cost).hasSize(3);
		for (Object item : cost) {
			Map<String, Object> row = (Map<String, Object>) item;
			assertThat(number(row, "achievedTxPerSec")).isPositive();
			assertThat(number(row, "processCpuSecondsPer10kTx")).as("%s", row).isPositive();
			assertThat(number(row, "peakRssBytes")).isPositive();
		}

		Map<String, Object> storage = map(json, "storage");
		assertThat(number(map(storage, "engine"), "objects")).isPositive();
		assertThat(number(map(storage, "engine"), "bytes")).isPositive();
		assertThat(number(map(storage, "litestream"), "bytes")).isPositive();
		assertThat(number(map(storage, "engineRequests"), "put")).isPositive();
		assertThat(number(map(storage, "restoreSeconds"), "compacted")).isPositive();

		List<Object> targets = (List<Object>) json.get("targets");
		assertThat(targets).hasSize(13);
		assertThat(number(json, "durationSeconds")).isPositive();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Map<String, Object> parent, String key) {
		assertThat(parent).containsKey(key);
		return (Map<String, Object>) parent.get(key);
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Map<String, Object> parent, String key) {
		assertThat(parent).containsKey(key);
		return (List<Object>) parent.get(key);
	}

	private static double number(Map<String, Object> parent, String key) {
		assertThat(parent).containsKey(key);
		assertThat(parent.get(key)).as(key).isInstanceOf(Double.class);
		return (Double) parent.get(key);
	}

}
