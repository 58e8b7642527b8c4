package io.github.jlitestream.autoconfigure.endpoint;

import java.time.Clock;

import io.github.jlitestream.actuate.endpoint.LitestreamEndpoint;
import io.github.jlitestream.actuate.endpoint.LitestreamWebEndpointExtension;
import io.github.jlitestream.autoconfigure.LitestreamAutoConfiguration;
import io.github.jlitestream.core.ReplicationManager;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code litestream} actuator endpoint, read-only unless
 * {@code management.endpoint.litestream.access=unrestricted}, restoring only into
 * {@code management.endpoint.litestream.restore-directory}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = LitestreamAutoConfiguration.class)
@ConditionalOnClass({ ConditionalOnAvailableEndpoint.class, ReplicationManager.class })
@ConditionalOnBean(ReplicationManager.class)
@ConditionalOnAvailableEndpoint(LitestreamEndpoint.class)
@EnableConfigurationProperties(LitestreamEndpointProperties.class)
public final class LitestreamEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LitestreamEndpoint litestreamEndpoint(ReplicationManager manager, LitestreamEndpointProperties properties) {
		return new LitestreamEndpoint(manager, Clock.systemUTC(), properties.getRestoreDirectory());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(LitestreamEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	LitestreamWebEndpointExtension litestreamWebEndpointExtension(LitestreamEndpoint endpoint) {
		return new LitestreamWebEndpointExtension(endpoint);
	}

	/** The hint on a write action refused for lack of access, in servlet applications. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = "org.springframework.web.servlet.HandlerExceptionResolver")
	static final class WriteAccessHintConfiguration {

		@Bean
		WriteAccessHint litestreamWriteAccessHint() {
			return new WriteAccessHint();
		}

	}

}
