package io.github.jlitestream.autoconfigure;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AwsRegionEnvironmentPostProcessor}.
 */
class AwsRegionEnvironmentPostProcessorTests {

	private final AwsRegionEnvironmentPostProcessor processor = new AwsRegionEnvironmentPostProcessor();

	@Test
	void turnsTheApplicationS3ClientOffWithoutARegion() {
		MockEnvironment environment = new MockEnvironment().withProperty("AWS_CONFIG_FILE", "/nonexistent/config");
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.aws.s3.enabled")).isEqualTo("false");
	}

	@Test
	void leavesItOnWithARegion() {
		MockEnvironment environment = new MockEnvironment().withProperty("AWS_CONFIG_FILE", "/nonexistent/config")
			.withProperty("spring.cloud.aws.region.static", "eu-west-1");
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.aws.s3.enabled")).isNull();
	}

	@Test
	void applicationSettingWins() {
		MockEnvironment environment = new MockEnvironment().withProperty("AWS_CONFIG_FILE", "/nonexistent/config")
			.withProperty("spring.cloud.aws.s3.enabled", "true");
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.aws.s3.enabled")).isEqualTo("true");
		assertThat(environment.getPropertySources().contains(AwsRegionEnvironmentPostProcessor.SOURCE)).isFalse();
	}

}
