package io.github.jlitestream.autoconfigure.metrics;

import java.time.Clock;

import io.github.jlitestream.autoconfigure.LitestreamAutoConfiguration;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.metrics.LitestreamMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of replication, when a {@link MeterRegistry} is present.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = LitestreamAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, ReplicationManager.class })
@ConditionalOnBean(MeterRegistry.class)
public final class LitestreamMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LitestreamMetrics litestreamMetrics(ObjectProvider<ReplicationManager> manager) {
		return new LitestreamMetrics(manager::getIfAvailable, Clock.systemUTC());
	}

}
