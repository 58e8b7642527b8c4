package io.github.jlitestream.sample.observability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The demo stack's files are valid and agree with each other:
 * {@code docker-compose config} accepts docker-compose.yml, whose mounts and build inputs
 * exist and are where Prometheus and Grafana look for them; {@code promtool} accepts the
 * Prometheus configuration and alert rules and passes the rules' unit tests. No Docker
 * engine is needed.
 */
class DockerComposeConfigTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern COPY = Pattern.compile("(?m)^COPY\\s+(?!--from)(.+?)\\s+\\S+\\s*$");

	private final Path root = MonitoringFiles.root();

	@Test
	void dockerComposeAcceptsTheFileAndItsPartsAgree() throws IOException {
		Path composeFile = this.root.resolve("docker-compose.yml");
		assertThat(composeFile).isRegularFile();
		List<String> compose = composeCommand();
		List<String> command = new ArrayList<>(compose);
		command.addAll(List.of("-f", composeFile.toString(), "config"));
		Tools.Result result = Tools.run(this.root, TIMEOUT, command);
		assertThat(result.exitCode()).as(result.describe(command)).isZero();

		Map<String, Object> config = MonitoringFiles.map(new Yaml().load(result.stdout()));
		Map<String, Object> services = MonitoringFiles.map(config.get("services"));
		assertThat(services).containsKeys("s3proxy", "sample-app", "prometheus", "grafana");
		// every image that is pulled names a version: "latest" moves, and images
		// disappear
		services.forEach((name, service) -> {
			Map<String, Object> definition = MonitoringFiles.map(service);
			if (!definition.containsKey("build")) {
				assertThat(String.valueOf(definition.get("image"))).as("image of " + name)
					.matches("[a-z0-9./-]+:[0-9][A-Za-z0-9._-]*|[a-z0-9./-]+:v[0-9][A-Za-z0-9._-]*");
			}
		});
		assertThat(String.valueOf(MonitoringFiles.map(services.get("s3proxy")).get("image")))
			.as("the store the tests use, at their version")
			.isEqualTo("andrewgaul/s3proxy:" + s3ProxyVersion());

		// The sample app: built from sample-app/Dockerfile, replicating to the S3Proxy
		// bucket through the s3 profile.
		Map<String, Object> app = MonitoringFiles.map(services.get("sample-app"));
		Map<String, Object> build = MonitoringFiles.map(app.get("build"));
		Path context = this.root.resolve(String.valueOf(build.get("context")));
		assertThat(context.resolve(String.valueOf(build.getOrDefault("dockerfile", "Dockerfile"))).normalize())
			.isEqualTo(this.root.resolve("sample-app/Dockerfile"));
		Map<String, Object> environment = MonitoringFiles.map(app.get("environment"));
		assertThat(String.valueOf(environment.get("SPRING_PROFILES_ACTIVE")).split(",")).contains("s3");
		String replicaUrl = String.valueOf(environment.get("REPLICA_URL"));
		assertThat(replicaUrl).startsWith("s3://");
		String bucket = replicaUrl.substring("s3://".length()).split("/")[0];
		assertThat(String.valueOf(environment.get("S3_ENDPOINT"))).startsWith("http://s3proxy:");
		assertThat(environment).containsKeys("DB_PATH", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
		assertThat(services.values()).as("a service creates the bucket '" + bucket + "'")
			.anyMatch((service) -> String.valueOf(MonitoringFiles.map(service).get("entrypoint"))
				.contains("mkdir -p /data/" + bucket));

		// Prometheus: its configuration and the rule files that configuration names are
		// mounted where it reads them.
		Map<String, Path> prometheusMounts = bindMounts(MonitoringFiles.map(services.get("prometheus")));
		assertThat(prometheusMounts).containsEntry("/etc/prometheus/prometheus.yml",
				MonitoringFiles.prometheusConfig());
		for (Path ruleFile : MonitoringFiles.ruleFiles()) {
			String target = "/etc/prometheus/" + MonitoringFiles.prometheusConfig().getParent().relativize(ruleFile);
			assertThat(prometheusMounts).as("rule file mounts").containsEntry(target, ruleFile);
		}
		Map<String, Object> prometheusConfig = MonitoringFiles.yaml(MonitoringFiles.prometheusConfig());
		assertThat(String.valueOf(prometheusConfig.get("scrape_configs"))).as("scrape target of the sample app")
			.contains("sample-app:8080")
			.contains("/actuator/prometheus");

		// Grafana: provisioning and dashboards mounted where the provisioning files
		// point.
		Map<String, Path> grafanaMounts = bindMounts(MonitoringFiles.map(services.get("grafana")));
		Path provisioning = this.root.resolve("grafana/provisioning");
		assertThat(grafanaMounts.values()).as("Grafana mounts")
			.contains(provisioning.resolve("datasources"), provisioning.resolve("dashboards"),
					this.root.resolve("grafana/dashboards"));
		Map<String, Object> providers = MonitoringFiles.yaml(provisioning.resolve("dashboards/litestream.yml"));
		for (Object provider : MonitoringFiles.list(providers.get("providers"))) {
			String path = String.valueOf(MonitoringFiles.map(MonitoringFiles.map(provider).get("options")).get("path"));
			assertThat(grafanaMounts).as("dashboards provider path")
				.containsEntry(path, this.root.resolve("grafana/dashboards"));
		}
		Map<String, Object> datasources = MonitoringFiles.yaml(provisioning.resolve("datasources/prometheus.yml"));
		assertThat(String.valueOf(datasources.get("datasources"))).contains("http://prometheus:9090");

		// Every bind mount's source exists.
		for (Object service : services.values()) {
			bindMounts(MonitoringFiles.map(service))
				.forEach((target, source) -> assertThat(source).as("source of " + target).exists());
		}
	}

	@Test
	void dockerfileCopiesEveryModuleOfTheBuild() {
		String dockerfile = MonitoringFiles.read(this.root.resolve("sample-app/Dockerfile"));
		Matcher copies = COPY.matcher(dockerfile);
		Set<String> sources = new TreeSet<>();
		while (copies.find()) {
			for (String source : copies.group(1).trim().split("\\s+")) {
				sources.add(source);
				assertThat(this.root.resolve(source)).as("COPY source " + source).exists();
			}
		}
		assertThat(sources).as("COPY sources of sample-app/Dockerfile").isNotEmpty();
		if (!sources.contains(".")) {
			// Maven reads the pom.xml of every module of the reactor, even with -pl.
			String pom = MonitoringFiles.read(this.root.resolve("pom.xml"));
			Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
			while (modules.find()) {
				assertThat(sources).as("the Dockerfile copies every module of the build")
					.contains(modules.group(1) + "/pom.xml");
			}
		}
		assertThat(dockerfile).contains("-pl sample-app -am").contains("litestream-sample-app.jar");
	}

	@Test
	void promtoolAcceptsTheConfigurationAndTheRulesAndTheirUnitTestsPass() {
		Path promtool = Tools.requireExecutable("promtool", "apt-get install prometheus", "/usr/bin/promtool");
		Tools.check(this.root, TIMEOUT, promtool.toString(), "check", "config",
				MonitoringFiles.prometheusConfig().toString());
		for (Path rules : MonitoringFiles.ruleFiles()) {
			Tools.check(this.root, TIMEOUT, promtool.toString(), "check", "rules", rules.toString());
		}
		Tools.Result tests = Tools.check(this.root, TIMEOUT, promtool.toString(), "test", "rules",
				MonitoringFiles.ruleTests().toString());
		assertThat(tests.stdout() + tests.stderr()).contains("SUCCESS");
	}

	/**
	 * docker-compose (v1, Debian's package), else the Docker Compose plugin; fails when
	 * neither is installed.
	 */
	/** The S3Proxy version the tests run against, from the parent pom. */
	private String s3ProxyVersion() throws IOException {
		Matcher version = Pattern.compile("<s3proxy.version>([^<]+)</s3proxy.version>")
			.matcher(Files.readString(this.root.resolve("pom.xml")));
		assertThat(version.find()).as("s3proxy.version in pom.xml").isTrue();
		return version.group(1);
	}

	private List<String> composeCommand() {
		Optional<Path> standalone = Tools.findExecutable("docker-compose", "/usr/bin/docker-compose");
		if (standalone.isPresent()) {
			return List.of(standalone.get().toString());
		}
		Optional<Path> docker = Tools.findExecutable("docker");
		if (docker.isPresent()
				&& Tools.run(this.root, TIMEOUT, docker.get().toString(), "compose", "version").exitCode() == 0) {
			return List.of(docker.get().toString(), "compose");
		}
		return fail("Neither docker-compose nor the Docker Compose plugin (docker compose) is installed: install "
				+ "one (apt-get install docker-compose; .ci/run does this on CI) to validate docker-compose.yml");
	}

	/**
	 * A service's bind mounts: container path -> host path (short and long syntax of both
	 * Compose versions).
	 */
	private Map<String, Path> bindMounts(Map<String, Object> service) {
		Map<String, Path> mounts = new TreeMap<>();
		for (Object volume : MonitoringFiles.list(service.get("volumes"))) {
			String source;
			String target;
			if (volume instanceof Map<?, ?> map) {
				if (!"bind".equals(map.get("type"))) {
					continue;
				}
				source = String.valueOf(map.get("source"));
				target = String.valueOf(map.get("target"));
			}
			else {
				String[] parts = String.valueOf(volume).split(":");
				if (parts.length < 2 || !(parts[0].startsWith("/") || parts[0].startsWith("."))) {
					continue; // a named volume
				}
				source = parts[0];
				target = parts[1];
			}
			mounts.put(target, this.root.resolve(source).normalize());
		}
		return mounts;
	}

}
