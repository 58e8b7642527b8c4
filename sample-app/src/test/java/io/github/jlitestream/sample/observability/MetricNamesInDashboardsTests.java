package io.github.jlitestream.sample.observability;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.jlitestream.metrics.LitestreamMetricNames;
import io.github.jlitestream.sample.SampleApplication;
import io.github.jlitestream.sample.observability.MonitoringFiles.Expression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code litestream_*} metric the Grafana dashboards and the Prometheus alert rules
 * use is one the sample application exports on {@code /actuator/prometheus}, so a renamed
 * meter or a typo in a dashboard fails the build instead of showing "No data"; and the
 * dashboards show every Litestream meter.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class MetricNamesInDashboardsTests {

	/**
	 * Meters the dashboards need not show: {@code litestream.restore.bytes} counts bytes
	 * of restored databases, but exists only once a restore was counted, and the restore
	 * at startup happens before the meters are bound (see the restore timer, which the
	 * dashboard shows).
	 */
	private static final Set<String> NOT_ON_DASHBOARDS = Set.of(LitestreamMetricNames.RESTORE_BYTES);

	@TempDir
	static Path dir;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		registry.add("DB_PATH", () -> dir.resolve("data/app.db").toString());
		String replica = "litestream.databases.app.replicas.backup.";
		registry.add(replica + "url", () -> dir.resolve("replica").toUri().toString());
		// Snapshots and retention every second, so that retention deletes objects (and
		// counts them) within seconds.
		registry.add(replica + "snapshot-interval", () -> "1s");
		registry.add(replica + "retention", () -> "1s");
		registry.add(replica + "retention-check-interval", () -> "1s");
		registry.add(replica + "verify-interval", () -> "1s");
		// and compaction of every WAL index a second old, so that it counts too
		registry.add(replica + "compaction-age", () -> "1s");
	}

	@Test
	void everyLitestreamMetricOfTheDashboardsAndAlertRulesIsExported() {
		Map<String, List<String>> used = usedMetricNames(allExpressions());
		assertThat(used).as("litestream_* metrics used by the dashboards and alert rules").isNotEmpty();

		// Some meters appear with their first event (a retention deletion, a generation
		// change): write, and wait.
		long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
		Set<String> missing;
		int note = 0;
		do {
			assertThat(Tools.post(url("/notes"), "{\"title\":\"note " + note++ + "\",\"body\":\"metrics\"}").status())
				.as("POST /notes")
				.isEqualTo(201);
			Set<String> exported = exported();
			missing = new TreeSet<>(used.keySet());
			missing.removeAll(exported);
			if (!missing.isEmpty()) {
				Tools.sleep(Duration.ofMillis(500));
			}
		}
		while (!missing.isEmpty() && System.nanoTime() < deadline);

		Map<String, List<String>> report = new TreeMap<>();
		missing.forEach((name) -> report.put(name, used.get(name)));
		assertThat(report)
			.as("metrics used by dashboards or alert rules but not exported on /actuator/prometheus "
					+ "(name -> where it is used)")
			.isEmpty();
	}

	@Test
	void aMisspelledMetricIsReported() {
		Set<String> exported = exported();
		Path dashboard = MonitoringFiles.dashboards().get(0);
		String json = MonitoringFiles.read(dashboard);
		assertThat(json).contains("litestream_replica_objects{");
		String misspelled = json.replace("litestream_replica_objects{", "litestream_replica_object{");
		Set<String> names = usedMetricNames(MonitoringFiles.dashboardExpressions("misspelled", misspelled)).keySet();
		assertThat(names).contains("litestream_replica_object").doesNotContain("litestream_replica_objects");
		assertThat(exported).contains("litestream_replica_objects").doesNotContain("litestream_replica_object");

		Path rules = MonitoringFiles.ruleFiles().get(0);
		String misspelledRules = MonitoringFiles.read(rules)
			.replace("litestream_replica_lag_seconds", "litestream_replica_lag_second");
		assertThat(usedMetricNames(MonitoringFiles.ruleExpressions("misspelled", misspelledRules)).keySet())
			.contains("litestream_replica_lag_second")
			.doesNotContain("litestream_replica_lag_seconds");
	}

	@Test
	void metricNamesAreExtractedFromPromql() {
		assertThat(MonitoringFiles.litestreamMetricNames(
				"sum by (db, replica, litestream_label) (rate(litestream_sync_seconds_count{job=~\"litestream_x\", "
						+ "outcome=\"failure\"}[$__rate_interval])) / on (db) group_left litestream_wal_size_bytes"
						+ " > bool 0 or absent(litestream_replica_lag_seconds) or "
						+ "label_values(litestream_db_size_bytes{instance=~\"$instance\"}, db)"))
			.containsExactly("litestream_sync_seconds_count", "litestream_wal_size_bytes",
					"litestream_replica_lag_seconds", "litestream_db_size_bytes");
	}

	@Test
	void dashboardsShowEveryLitestreamMeter() throws IllegalAccessException {
		Set<String> onDashboards = new TreeSet<>();
		for (Path dashboard : MonitoringFiles.dashboards()) {
			onDashboards.addAll(usedMetricNames(MonitoringFiles.dashboardExpressions(dashboard.getFileName().toString(),
					MonitoringFiles.read(dashboard)))
				.keySet());
		}
		List<String> notShown = new ArrayList<>();
		for (Field field : LitestreamMetricNames.class.getFields()) {
			if (!Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) {
				continue;
			}
			String meter = (String) field.get(null);
			if (NOT_ON_DASHBOARDS.contains(meter)) {
				continue;
			}
			if (prometheusNames(meter).stream().noneMatch(onDashboards::contains)) {
				notShown.add(meter + " (" + field.getName() + ")");
			}
		}
		assertThat(notShown).as("Litestream meters no Grafana dashboard shows").isEmpty();
	}

	@Test
	void dashboardsUseOnlyTheirOwnVariables() {
		for (Path dashboard : MonitoringFiles.dashboards()) {
			String json = MonitoringFiles.read(dashboard);
			Set<String> defined = MonitoringFiles.dashboardVariables(json);
			for (Expression expression : MonitoringFiles.dashboardExpressions(dashboard.getFileName().toString(),
					json)) {
				assertThat(defined).as("variables defined for " + expression.source() + ": " + expression.promql())
					.containsAll(MonitoringFiles.variables(expression.promql()));
			}
			// Panels and targets name the data source through the dashboard's variable.
			assertThat(json).doesNotContain("\"uid\": \"prometheus\"");
			assertThat(defined).contains("datasource");
		}
	}

	/** The names Prometheus may give a Micrometer meter: base unit and type suffixes. */
	private static Set<String> prometheusNames(String meter) {
		String base = meter.replace('.', '_');
		Set<String> names = new TreeSet<>();
		for (String unit : new String[] { "", "_seconds", "_bytes" }) {
			for (String suffix : new String[] { "", "_total", "_count", "_sum", "_max", "_bucket" }) {
				names.add(base + unit + suffix);
			}
		}
		return names;
	}

	static List<Expression> allExpressions() {
		List<Expression> expressions = new ArrayList<>();
		for (Path dashboard : MonitoringFiles.dashboards()) {
			expressions.addAll(MonitoringFiles.dashboardExpressions(
					MonitoringFiles.root().relativize(dashboard).toString(), MonitoringFiles.read(dashboard)));
		}
		for (Path rules : MonitoringFiles.ruleFiles()) {
			expressions.addAll(MonitoringFiles.ruleExpressions(MonitoringFiles.root().relativize(rules).toString(),
					MonitoringFiles.read(rules)));
		}
		assertThat(expressions).as("PromQL expressions of the dashboards and alert rules").isNotEmpty();
		return expressions;
	}

	/** Metric name -> the expressions that use it. */
	static Map<String, List<String>> usedMetricNames(List<Expression> expressions) {
		Map<String, List<String>> used = new LinkedHashMap<>();
		for (Expression expression : expressions) {
			for (String name : MonitoringFiles.litestreamMetricNames(expression.promql())) {
				used.computeIfAbsent(name, (key) -> new ArrayList<>()).add(expression.source());
			}
		}
		return used;
	}

	private Set<String> exported() {
		Tools.Response response = Tools.get(url("/actuator/prometheus"), "text/plain");
		assertThat(response.status()).as("GET /actuator/prometheus: " + response.body()).isEqualTo(200);
		return MonitoringFiles.exportedNames(response.body());
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
