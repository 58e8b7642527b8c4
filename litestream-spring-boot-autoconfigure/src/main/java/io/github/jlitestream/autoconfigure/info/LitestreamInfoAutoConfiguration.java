package io.github.jlitestream.autoconfigure.info;

import io.github.jlitestream.actuate.info.LitestreamInfoContributor;
import io.github.jlitestream.autoconfigure.LitestreamAutoConfiguration;
import io.github.jlitestream.core.ReplicationManager;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * What the actuator shows of the starter's configuration: a {@code litestream} entry in
 * {@code /actuator/info} ({@code management.info.litestream.enabled}), and encryption
 * keys masked in {@code /actuator/env} and {@code /actuator/configprops} even where
 * {@code show-values} shows the other values.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = LitestreamAutoConfiguration.class)
@ConditionalOnClass({ InfoContributor.class, ReplicationManager.class })
public final class LitestreamInfoAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ReplicationManager.class)
	@ConditionalOnEnabledInfoContributor("litestream")
	LitestreamInfoContributor litestreamInfoContributor(ReplicationManager manager) {
		return new LitestreamInfoContributor(manager);
	}

	@Bean
	SanitizingFunction litestreamEncryptionKeySanitizer() {
		return new EncryptionKeySanitizer();
	}

}
