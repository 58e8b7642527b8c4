package io.github.jlitestream.autoconfigure.health;

import io.github.jlitestream.autoconfigure.LitestreamAutoConfiguration;
import io.github.jlitestream.autoconfigure.LitestreamProperties;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.health.LitestreamHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code litestream} health indicator ({@code management.health.litestream.enabled}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LitestreamAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ReplicationManager.class })
@ConditionalOnBean(ReplicationManager.class)
@ConditionalOnEnabledHealthIndicator("litestream")
public final class LitestreamHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "litestreamHealthIndicator")
	LitestreamHealthIndicator litestreamHealthIndicator(ReplicationManager manager, LitestreamProperties properties) {
		return new LitestreamHealthIndicator(manager, properties.getHealth().getMaxLag(),
				properties.getHealth().getMaxFailures());
	}

}
