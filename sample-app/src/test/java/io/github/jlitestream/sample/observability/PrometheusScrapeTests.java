package io.github.jlitestream.sample.observability;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import io.github.jlitestream.sample.SampleApplication;
import io.github.jlitestream.sample.observability.MonitoringFiles.Expression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * End to end with a real Prometheus server (the Debian package's
 * {@code /usr/bin/prometheus}): it scrapes the running sample application with the
 * repository's scrape configuration and alert rules, sees the lag of every replica, loads
 * the rules without error, fires the sync alerts for a broken replica only, and evaluates
 * every dashboard query.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class PrometheusScrapeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(40);

	private static final String JOB = "litestream-sample-app";

	@TempDir
	static Path dir;

	@TempDir
	Path prometheusDir;

	@LocalServerPort
	int port;

	private Process prometheus;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) throws IOException {
		// Two replicas: one that works, one whose directory cannot exist (a regular file
		// is in its way).
		Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "a file, not a directory");
		// No restore (it would read the broken replica): the database's directory must
		// exist.
		Path data = Files.createDirectories(dir.resolve("data"));
		registry.add("DB_PATH", () -> data.resolve("app.db").toString());
		registry.add("litestream.databases.app.restore.mode", () -> "never");
		// the sample app's replica, moved here
		registry.add("litestream.databases.app.replicas.backup.url", () -> dir.resolve("primary").toUri().toString());
		// Several syncs between two scrapes (1 s apart), so that "no successful sync"
		// never holds for it here.
		registry.add("litestream.databases.app.replicas.backup.sync-interval", () -> "250ms");
		registry.add("litestream.databases.app.replicas.broken.url",
				() -> notADirectory.resolve("replica").toUri().toString());
	}

	@AfterEach
	void stopPrometheus() throws InterruptedException {
		if (this.prometheus != null) {
			Tools.stop(this.prometheus);
		}
	}

	@Test
	void prometheusScrapesEveryReplicaAndEvaluatesTheAlertRulesAndDashboards() throws IOException {
		Path binary = Tools.requireExecutable("prometheus", "apt-get install prometheus", "/usr/bin/prometheus");
		Set<String> replicas = replicasOfTheApp();
		assertThat(replicas).containsExactlyInAnyOrder("app/backup", "app/broken");

		int prometheusPort = Tools.freePort();
		String prometheusUrl = "http://127.0.0.1:" + prometheusPort;
		Path config = writeConfig();
		Path log = this.prometheusDir.resolve("prometheus.log");
		this.prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
				"--storage.tsdb.path=" + this.prometheusDir.resolve("data"),
				"--web.listen-address=127.0.0.1:" + prometheusPort)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		Supplier<String> logTail = () -> "\n--- prometheus log\n" + Tools.tail(log, 40);

		awaitTrue("Prometheus ready on " + prometheusUrl, logTail,
				() -> Tools.get(prometheusUrl + "/-/ready", "text/plain").status() == 200);

		// One lag series per replica of the application.
		Map<String, Integer> lagSeries = new TreeMap<>();
		awaitTrue("litestream_replica_lag_seconds of every replica " + replicas, () -> lagSeries + logTail.get(),
				() -> {
					lagSeries.clear();
					for (Map<String, Object> result : query(prometheusUrl,
							"litestream_replica_lag_seconds{job=\"" + JOB + "\"}")) {
						Map<String, Object> metric = MonitoringFiles.map(result.get("metric"));
						String value = String.valueOf(MonitoringFiles.list(result.get("value")).get(1));
						assertThat(Double.parseDouble(value)).as("lag of " + metric).isGreaterThanOrEqualTo(0);
						lagSeries.merge(metric.get("db") + "/" + metric.get("replica"), 1, Integer::sum);
					}
					return lagSeries.keySet().equals(replicas);
				});
		assertThat(lagSeries).as("lag series per replica").allSatisfy((replica, count) -> assertThat(count).isOne());

		// The rules of every rule file loaded, and evaluated without error.
		Set<String> expectedRules = new TreeSet<>();
		MonitoringFiles.ruleFiles().forEach((file) -> expectedRules.addAll(MonitoringFiles.ruleNames(file)));
		Map<String, String> health = new TreeMap<>();
		awaitTrue("alert rules " + expectedRules + " loaded and evaluated", () -> health + logTail.get(), () -> {
			health.clear();
			Map<String, Object> data = data(Tools.get(prometheusUrl + "/api/v1/rules", "application/json"));
			for (Object group : MonitoringFiles.list(data.get("groups"))) {
				for (Object element : MonitoringFiles.list(MonitoringFiles.map(group).get("rules"))) {
					Map<String, Object> rule = MonitoringFiles.map(element);
					String state = String.valueOf(rule.get("health"));
					assertThat(state).as("rule " + rule.get("name") + ": " + rule.get("lastError")).isNotEqualTo("err");
					health.put(String.valueOf(rule.get("name")), state);
				}
			}
			return health.keySet().equals(expectedRules) && health.values().stream().allMatch("ok"::equals);
		});

		// The broken replica fails every sync and never succeeds: its sync alerts become
		// active, and only its.
		Map<String, Set<String>> active = new TreeMap<>();
		awaitTrue("LitestreamSyncErrors and LitestreamReplicationStopped active for app/broken",
				() -> active + logTail.get(), () -> {
					active.clear();
					Map<String, Object> data = data(Tools.get(prometheusUrl + "/api/v1/alerts", "application/json"));
					for (Object element : MonitoringFiles.list(data.get("alerts"))) {
						Map<String, Object> labels = MonitoringFiles.map(MonitoringFiles.map(element).get("labels"));
						active.computeIfAbsent(labels.get("db") + "/" + labels.get("replica"), (key) -> new TreeSet<>())
							.add(String.valueOf(labels.get("alertname")));
					}
					return active.getOrDefault("app/broken", Set.of())
						.containsAll(Set.of("LitestreamSyncErrors", "LitestreamReplicationStopped"));
				});
		assertThat(active).as("active alerts by replica")
			.doesNotContainKey("app/backup")
			.doesNotContainKey("null/null");

		// Every dashboard query is valid PromQL (Grafana's variables replaced by what
		// Grafana would send).
		List<String> invalid = new ArrayList<>();
		for (Path dashboard : MonitoringFiles.dashboards()) {
			for (Expression expression : MonitoringFiles.panelExpressions(dashboard.getFileName().toString(),
					MonitoringFiles.read(dashboard))) {
				String promql = expression.promql()
					.replaceAll("\\$__(rate_interval|interval|range)", "1m")
					.replaceAll("\\$\\{?\\w+}?", ".*");
				Tools.Response response = Tools.get(prometheusUrl + "/api/v1/query?query=" + encode(promql),
						"application/json");
				Map<String, Object> body = MonitoringFiles.jsonObject(response.body());
				if (response.status() != 200 || !"success".equals(body.get("status"))) {
					invalid.add(expression.source() + ": " + promql + " -> " + body.get("error"));
				}
			}
		}
		assertThat(invalid).as("dashboard queries Prometheus rejects").isEmpty();
	}

	/** "db/replica" of every replica, from /actuator/litestream. */
	private Set<String> replicasOfTheApp() {
		Tools.Response response = Tools.get("http://127.0.0.1:" + this.port + "/actuator/litestream",
				"application/json");
		assertThat(response.status()).as("GET /actuator/litestream: " + response.body()).isEqualTo(200);
		Set<String> replicas = new TreeSet<>();
		Map<String, Object> databases = MonitoringFiles
			.map(MonitoringFiles.jsonObject(response.body()).get("databases"));
		databases.forEach((db, database) -> MonitoringFiles.map(MonitoringFiles.map(database).get("replicas"))
			.keySet()
			.forEach((replica) -> replicas.add(db + "/" + replica)));
		return replicas;
	}

	/**
	 * The repository's prometheus.yml with its targets moved to this application, scrapes
	 * and rule evaluations every second, and its rule files at their absolute paths.
	 */
	private Path writeConfig() throws IOException {
		Map<String, Object> config = new LinkedHashMap<>(MonitoringFiles.yaml(MonitoringFiles.prometheusConfig()));
		Map<String, Object> global = new LinkedHashMap<>(MonitoringFiles.map(config.get("global")));
		global.put("scrape_interval", "1s");
		global.put("evaluation_interval", "1s");
		config.put("global", global);
		config.put("rule_files", MonitoringFiles.ruleFiles().stream().map(Path::toString).toList());
		List<Object> jobs = MonitoringFiles.list(config.get("scrape_configs"));
		assertThat(jobs).as("scrape_configs")
			.extracting((job) -> MonitoringFiles.map(job).get("job_name"))
			.contains(JOB);
		List<Object> scrapeConfigs = new ArrayList<>();
		for (Object element : jobs) {
			Map<String, Object> job = new LinkedHashMap<>(MonitoringFiles.map(element));
			if (!JOB.equals(job.get("job_name"))) {
				continue;
			}
			job.put("scrape_interval", "1s");
			job.put("static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + this.port))));
			scrapeConfigs.add(job);
		}
		config.put("scrape_configs", scrapeConfigs);
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		return Files.writeString(this.prometheusDir.resolve("prometheus.yml"), new Yaml(options).dump(config));
	}

	private static List<Map<String, Object>> query(String prometheusUrl, String promql) {
		Map<String, Object> data = data(
				Tools.get(prometheusUrl + "/api/v1/query?query=" + encode(promql), "application/json"));
		return MonitoringFiles.list(data.get("result")).stream().map(MonitoringFiles::map).toList();
	}

	private static Map<String, Object> data(Tools.Response response) {
		assertThat(response.status()).as("Prometheus API: " + response.body()).isEqualTo(200);
		Map<String, Object> body = MonitoringFiles.jsonObject(response.body());
		assertThat(body.get("status")).as("Prometheus API: " + response.body()).isEqualTo("success");
		return MonitoringFiles.map(body.get("data"));
	}

	private static String encode(String promql) {
		return URLEncoder.encode(promql, StandardCharsets.UTF_8);
	}

	private interface Check {

		boolean holds() throws Exception;

	}

	private void awaitTrue(String what, Supplier<String> details, Check check) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (true) {
			if (this.prometheus != null && !this.prometheus.isAlive()) {
				fail("Prometheus exited with " + this.prometheus.exitValue() + " while waiting for " + what
						+ details.get());
			}
			try {
				if (check.holds()) {
					return;
				}
			}
			catch (AssertionError ex) {
				throw ex;
			}
			catch (Exception ex) {
				if (System.nanoTime() > deadline) {
					throw new AssertionError(
							"Timed out after " + TIMEOUT + " waiting for " + what + ": " + ex + details.get(), ex);
				}
			}
			if (System.nanoTime() > deadline) {
				fail("Timed out after " + TIMEOUT + " waiting for " + what + ": " + details.get());
			}
			Tools.sleep(Duration.ofMillis(250));
		}
	}

}
