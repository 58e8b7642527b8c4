package io.github.jlitestream.health;

import java.util.stream.Stream;

import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.ReplicationManager;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code litestream} health component, one child per database
 * ({@code /actuator/health/litestream/<database>}, with its replicas in the details), so
 * that a health group can include one database ({@code include=litestream/app}) and a
 * probe can watch the one it cares about.
 *
 * @since 0.2.0
 */
public class LitestreamHealthContributor implements CompositeHealthContributor {

	private final ReplicationManager manager;

	private final LitestreamHealthIndicator indicator;

	public LitestreamHealthContributor(ReplicationManager manager, LitestreamHealthIndicator indicator) {
		this.manager = manager;
		this.indicator = indicator;
	}

	/** The health of every database together, as one indicator. */
	public LitestreamHealthIndicator indicator() {
		return this.indicator;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		return this.manager.database(name).isPresent() ? database(name) : null;
	}

	@Override
	public Stream<HealthContributors.Entry> stream() {
		return this.manager.databases()
			.stream()
			.map(DatabaseReplication::database)
			.map((database) -> new HealthContributors.Entry(database.name(), database(database.name())));
	}

	private HealthIndicator database(String name) {
		return () -> {
			Health health = this.indicator.databaseHealth(name);
			return (health != null) ? health
					: Health.unknown().withDetail("error", "no database '" + name + "'").build();
		};
	}

}
