package io.github.jlitestream.actuate.info;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ship.Replica;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * What {@code /actuator/info} says about replication: each database's file and its
 * replicas' kind, location, compression and whether encryption is on. Never a key, a
 * credential or anything remote (it answers from the configuration alone).
 *
 * @since 0.2.0
 */
public class LitestreamInfoContributor implements InfoContributor {

	private final ReplicationManager manager;

	public LitestreamInfoContributor(ReplicationManager manager) {
		this.manager = manager;
	}

	@Override
	public void contribute(Info.Builder builder) {
		Map<String, Object> databases = new LinkedHashMap<>();
		for (DatabaseReplication database : this.manager.databases()) {
			Map<String, Object> replicas = new LinkedHashMap<>();
			for (Replica replica : database.replicas()) {
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("type", replica.client().type());
				details.put("location", replica.client().location());
				details.put("compression", replica.codec().compression().name().toLowerCase(Locale.ROOT));
				details.put("encrypted", replica.codec().encrypted());
				replicas.put(replica.name(), details);
			}
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("path", database.database().options().path().toString());
			details.put("replicas", replicas);
			databases.put(database.database().name(), details);
		}
		builder.withDetail("litestream", Map.of("databases", databases));
	}

}
