package io.github.jlitestream.health;

import java.util.stream.Stream;

import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.ReplicaStatus;
import io.github.jlitestream.core.ReplicationManager;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code litestream} health component, one child per database
 * ({@code /actuator/health/litestream/<database>}) with one child per replica
 * ({@code /actuator/health/litestream/<database>/<replica>}), so that a health group can
 * include one database or one replica ({@code include=litestream/app/backup}) and a probe
 * can watch the one it cares about.
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

	private CompositeHealthContributor database(String name) {
		return new CompositeHealthContributor() {

			@Override
			public @Nullable HealthContributor getContributor(String replica) {
				return replicas(name).anyMatch(replica::equals) ? replica(name, replica) : null;
			}

			@Override
			public Stream<HealthContributors.Entry> stream() {
				return replicas(name).map((replica) -> new HealthContributors.Entry(replica, replica(name, replica)));
			}

		};
	}

	private Stream<String> replicas(String database) {
		return this.manager.database(database)
			.stream()
			.flatMap((replication) -> replication.status().replicas().stream())
			.map(ReplicaStatus::name);
	}

	private HealthIndicator replica(String database, String replica) {
		return () -> {
			Health health = this.indicator.replicaHealth(database, replica);
			return (health != null) ? health
					: Health.unknown()
						.withDetail("error", "no replica '" + replica + "' of '" + database + "'")
						.build();
		};
	}

}
