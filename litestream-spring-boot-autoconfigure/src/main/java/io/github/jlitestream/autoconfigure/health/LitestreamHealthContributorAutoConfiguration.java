package io.github.jlitestream.autoconfigure.health;

import java.util.Locale;

import io.github.jlitestream.autoconfigure.LitestreamAutoConfiguration;
import io.github.jlitestream.autoconfigure.LitestreamConfigurationException;
import io.github.jlitestream.autoconfigure.LitestreamProperties;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.health.LitestreamHealthContributor;
import io.github.jlitestream.health.LitestreamHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * The {@code litestream} health component, one child per database
 * ({@code /actuator/health/litestream/<database>};
 * {@code management.health.litestream.enabled}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LitestreamAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ReplicationManager.class })
@ConditionalOnBean(ReplicationManager.class)
@ConditionalOnEnabledHealthIndicator("litestream")
public final class LitestreamHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "litestreamHealthIndicator", "litestreamHealthContributor" })
	LitestreamHealthContributor litestreamHealthContributor(ReplicationManager manager,
			LitestreamProperties properties) {
		return new LitestreamHealthContributor(manager, indicator(manager, properties));
	}

	private static LitestreamHealthIndicator indicator(ReplicationManager manager, LitestreamProperties properties) {
		String unhealthy = properties.getHealth().getUnhealthyStatus().trim().toUpperCase(Locale.ROOT);
		Status status = switch (unhealthy) {
			case "LAGGING" -> LitestreamHealthIndicator.LAGGING;
			case "DOWN" -> Status.DOWN;
			default -> throw new LitestreamConfigurationException("litestream.health.unhealthy-status",
					properties.getHealth().getUnhealthyStatus(), "unknown status",
					"Use LAGGING (HTTP 200: the application stays in its load balancer) or DOWN (HTTP 503).");
		};
		return new LitestreamHealthIndicator(manager, properties.getHealth().getMaxLag(),
				properties.getHealth().getMaxFailures(), status);
	}

}
