package io.github.jlitestream.sample.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring files of the repository (Grafana dashboards, Prometheus configuration
 * and alert rules), their PromQL expressions, and the metric names those use.
 */
final class MonitoringFiles {

	/** A PromQL expression and where it comes from (for messages). */
	record Expression(String source, String promql) {
	}

	private static final JsonMapper json = JsonMapper.builder().build();

	/** String literals of PromQL: double, single and back quotes. */
	private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");

	/** Label matchers ({job="x"}), once the strings are gone. */
	private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");

	/** Ranges and subqueries ([5m], [1h:1m], [$__rate_interval]). */
	private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");

	/**
	 * Label lists of aggregations and vector matching: by (db, replica), on (instance),
	 * ...
	 */
	private static final Pattern LABEL_LISTS = Pattern
		.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	/** Identifiers; those followed by "(" are functions or aggregations. */
	private static final Pattern IDENTIFIER = Pattern
		.compile("(?<![a-zA-Z0-9_:$])[a-zA-Z_:][a-zA-Z0-9_:]*(?![a-zA-Z0-9_:])(?!\\s*\\()");

	/** Grafana variables: $name, ${name}, ${name:format}, [[name]]. */
	private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::[^}]*)?}|\\$(\\w+)|\\[\\[(\\w+)]]");

	private MonitoringFiles() {
	}

	/**
	 * The root of the repository: the directory with the parent pom.xml and sample-app/.
	 */
	static Path root() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null) {
			if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("sample-app/pom.xml"))) {
				return dir;
			}
			dir = dir.getParent();
		}
		throw new AssertionError("No repository root (a directory with pom.xml and sample-app/pom.xml) above "
				+ Path.of("").toAbsolutePath());
	}

	/** grafana/dashboards/*.json: at least one. */
	static List<Path> dashboards() {
		Path dir = root().resolve("grafana/dashboards");
		assertThat(dir).as("Grafana dashboards directory").isDirectory();
		try (Stream<Path> files = Files.list(dir)) {
			List<Path> dashboards = files.filter((file) -> file.toString().endsWith(".json")).sorted().toList();
			assertThat(dashboards).as("dashboards in " + dir).isNotEmpty();
			return dashboards;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** prometheus/prometheus.yml, the scrape configuration of docker-compose.yml. */
	static Path prometheusConfig() {
		Path config = root().resolve("prometheus/prometheus.yml");
		assertThat(config).as("Prometheus configuration").isRegularFile();
		return config;
	}

	/**
	 * The alert rule files prometheus.yml loads (rule_files, relative to it): at least
	 * one.
	 */
	@SuppressWarnings("unchecked")
	static List<Path> ruleFiles() {
		Path config = prometheusConfig();
		Map<String, Object> yaml = yaml(config);
		List<String> ruleFiles = (List<String>) yaml.get("rule_files");
		assertThat(ruleFiles).as("rule_files of " + config).isNotEmpty();
		List<Path> paths = ruleFiles.stream().map((file) -> config.getParent().resolve(file).normalize()).toList();
		assertThat(paths).as("rule files of " + config).allSatisfy((path) -> assertThat(path).isRegularFile());
		return paths;
	}

	/** prometheus/litestream-alerts.test.yml: the unit tests of the alert rules. */
	static Path ruleTests() {
		Path tests = root().resolve("prometheus/litestream-alerts.test.yml");
		assertThat(tests).as("unit tests of the alert rules").isRegularFile();
		return tests;
	}

	static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> yaml(Path file) {
		return (Map<String, Object>) new Yaml().load(read(file));
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> jsonObject(String text) {
		return (Map<String, Object>) json.readValue(text, Map.class);
	}

	/**
	 * The PromQL expressions of a dashboard: panel targets (rows included) and template
	 * variable queries.
	 */
	static List<Expression> dashboardExpressions(String name, String dashboardJson) {
		Map<String, Object> dashboard = jsonObject(dashboardJson);
		List<Expression> expressions = new ArrayList<>();
		panelExpressions(name, list(dashboard.get("panels")), expressions);
		Map<String, Object> templating = map(dashboard.get("templating"));
		for (Object variable : list((templating != null) ? templating.get("list") : null)) {
			Map<String, Object> v = map(variable);
			if (!"query".equals(v.get("type"))) {
				continue;
			}
			Object query = v.get("query");
			String promql = (query instanceof Map<?, ?> q) ? (String) q.get("query") : (String) query;
			if (promql != null && !promql.isBlank()) {
				expressions.add(new Expression(name + " variable " + v.get("name"), promql));
			}
		}
		return expressions;
	}

	/**
	 * The panel targets' expressions only (PromQL a Prometheus server evaluates, unlike
	 * variable queries).
	 */
	static List<Expression> panelExpressions(String name, String dashboardJson) {
		List<Expression> expressions = new ArrayList<>();
		panelExpressions(name, list(jsonObject(dashboardJson).get("panels")), expressions);
		return expressions;
	}

	private static void panelExpressions(String name, List<Object> panels, List<Expression> expressions) {
		for (Object element : panels) {
			Map<String, Object> panel = map(element);
			for (Object target : list(panel.get("targets"))) {
				Object expr = map(target).get("expr");
				if (expr instanceof String promql && !promql.isBlank()) {
					expressions.add(new Expression(
							name + " panel '" + panel.get("title") + "' " + map(target).get("refId"), promql));
				}
			}
			panelExpressions(name, list(panel.get("panels")), expressions);
		}
	}

	/** The expressions of an alert rule file (groups[].rules[].expr). */
	static List<Expression> ruleExpressions(String name, String rulesYaml) {
		List<Expression> expressions = new ArrayList<>();
		Map<String, Object> rules = map(new Yaml().load(rulesYaml));
		for (Object group : list(rules.get("groups"))) {
			for (Object rule : list(map(group).get("rules"))) {
				Map<String, Object> r = map(rule);
				String title = (r.get("alert") != null) ? "alert " + r.get("alert") : "record " + r.get("record");
				expressions.add(new Expression(name + " " + title, String.valueOf(r.get("expr"))));
			}
		}
		return expressions;
	}

	/** The names of the rules of an alert rule file. */
	static Set<String> ruleNames(Path file) {
		Set<String> names = new TreeSet<>();
		for (Object group : list(yaml(file).get("groups"))) {
			for (Object rule : list(map(group).get("rules"))) {
				Map<String, Object> r = map(rule);
				names.add(String.valueOf((r.get("alert") != null) ? r.get("alert") : r.get("record")));
			}
		}
		return names;
	}

	/**
	 * The Litestream metric names ({@code litestream_*}) a PromQL expression selects:
	 * string literals, label matchers, ranges, grouping label lists and function names
	 * stripped.
	 */
	static Set<String> litestreamMetricNames(String promql) {
		String stripped = STRINGS.matcher(promql).replaceAll(" ");
		stripped = LABEL_MATCHERS.matcher(stripped).replaceAll(" ");
		stripped = RANGES.matcher(stripped).replaceAll(" ");
		stripped = LABEL_LISTS.matcher(stripped).replaceAll(" ");
		Set<String> names = new LinkedHashSet<>();
		Matcher identifiers = IDENTIFIER.matcher(stripped);
		while (identifiers.find()) {
			if (identifiers.group().startsWith("litestream_")) {
				names.add(identifiers.group());
			}
		}
		return names;
	}

	/** The Grafana variables an expression uses ({@code $__...} built-ins excluded). */
	static Set<String> variables(String expression) {
		Set<String> variables = new TreeSet<>();
		Matcher matcher = VARIABLE.matcher(expression);
		while (matcher.find()) {
			String name = (matcher.group(1) != null) ? matcher.group(1)
					: (matcher.group(2) != null) ? matcher.group(2) : matcher.group(3);
			if (!name.startsWith("__")) {
				variables.add(name);
			}
		}
		return variables;
	}

	/** The names of a dashboard's template variables. */
	static Set<String> dashboardVariables(String dashboardJson) {
		Set<String> names = new TreeSet<>();
		Map<String, Object> templating = map(jsonObject(dashboardJson).get("templating"));
		for (Object variable : list((templating != null) ? templating.get("list") : null)) {
			names.add(String.valueOf(map(variable).get("name")));
		}
		return names;
	}

	/** The sample names of a Prometheus text exposition (comments skipped). */
	static Set<String> exportedNames(String exposition) {
		Set<String> names = new TreeSet<>();
		for (String line : exposition.split("\n")) {
			String trimmed = line.strip();
			if (trimmed.isEmpty() || trimmed.startsWith("#")) {
				continue;
			}
			int end = 0;
			while (end < trimmed.length() && trimmed.charAt(end) != '{' && trimmed.charAt(end) != ' ') {
				end++;
			}
			names.add(trimmed.substring(0, end));
		}
		return names;
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(Object value) {
		return (value instanceof List<?> list) ? (List<Object>) list : List.of();
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		return (value instanceof Map<?, ?> map) ? (Map<String, Object>) map : Map.of();
	}

}
