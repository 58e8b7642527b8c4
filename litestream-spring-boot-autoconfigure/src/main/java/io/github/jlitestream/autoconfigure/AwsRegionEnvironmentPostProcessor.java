package io.github.jlitestream.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * The starter brings Spring Cloud AWS S3, whose application-wide {@code S3Client} cannot
 * be created without an AWS region; an application that only replicates to a local
 * directory (or sets the region per replica) would then fail to start. When no region is
 * configured anywhere the AWS SDK looks, this turns that client off
 * ({@code spring.cloud.aws.s3.enabled=false}, at the lowest precedence, so any setting of
 * the application wins); S3 replicas then get clients of their own.
 */
class AwsRegionEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String SOURCE = "litestream-aws-region-defaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!ClassUtils.isPresent("io.awspring.cloud.autoconfigure.s3.S3AutoConfiguration", getClass().getClassLoader())
				|| environment.containsProperty("spring.cloud.aws.s3.enabled") || regionConfigured(environment)) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource(SOURCE, Map.of("spring.cloud.aws.s3.enabled", "false")));
	}

	static boolean regionConfigured(ConfigurableEnvironment environment) {
		for (String property : new String[] { "spring.cloud.aws.region.static", "spring.cloud.aws.s3.region",
				"AWS_REGION", "AWS_DEFAULT_REGION", "aws.region" }) {
			String value = environment.getProperty(property);
			if (value != null && !value.isBlank()) {
				return true;
			}
		}
		String configFile = environment.getProperty("AWS_CONFIG_FILE");
		Path config = (configFile != null) ? Path.of(configFile)
				: Path.of(System.getProperty("user.home"), ".aws", "config");
		return Files.isRegularFile(config);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
