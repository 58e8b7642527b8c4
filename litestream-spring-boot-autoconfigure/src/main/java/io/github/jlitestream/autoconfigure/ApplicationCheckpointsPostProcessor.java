package io.github.jlitestream.autoconfigure;

import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.ReplicationManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Leaves checkpoints to the engine on HikariCP pools of a replicated database: before the
 * pool starts, its {@code wal_autocheckpoint} becomes twice the database's max checkpoint
 * page count, which the engine's restarts keep the WAL below while it runs, and which
 * bounds the WAL through SQLite's own checkpoints if it stops. With SQLite's default
 * (1,000 pages) the application's connection tries to checkpoint after every commit past
 * it and the engine's read mark holds it back each time: a busy writer lost several
 * percent of its speed (README, "Write-heavy services"). A pool that sets
 * {@code wal_autocheckpoint} itself, or that configures a DataSource class rather than a
 * JDBC URL, is left alone.
 *
 * @since 0.1.0
 */
final class ApplicationCheckpointsPostProcessor implements BeanPostProcessor {

	static final String PRAGMA = "wal_autocheckpoint";

	private static final Logger logger = LoggerFactory.getLogger(ApplicationCheckpointsPostProcessor.class);

	private final ObjectProvider<ReplicationManager> manager;

	ApplicationCheckpointsPostProcessor(ObjectProvider<ReplicationManager> manager) {
		this.manager = manager;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource dataSource) {
			deferCheckpoints(dataSource, beanName);
		}
		return bean;
	}

	private void deferCheckpoints(HikariDataSource dataSource, String beanName) {
		String file = ReplicationManagerFactory.sqlitePath(dataSource.getJdbcUrl());
		if (file == null || dataSource.getDataSourceClassName() != null
				|| dataSource.getDataSourceProperties().containsKey(PRAGMA) || dataSource.isRunning()) {
			return;
		}
		ReplicationManager replication = this.manager.getIfAvailable();
		if (replication == null) {
			return;
		}
		Path path = Path.of(file).toAbsolutePath().normalize();
		for (DatabaseReplication database : replication.databases()) {
			DatabaseOptions options = database.database().options();
			if (options.path().equals(path) && options.maxCheckpointPageCount() > 0) {
				long pages = Math.min(Integer.MAX_VALUE, 2L * options.maxCheckpointPageCount());
				dataSource.addDataSourceProperty(PRAGMA, Long.toString(pages));
				logger.info(
						"DataSource '{}' on replicated database '{}': SQLite's auto-checkpoint at {} pages, "
								+ "checkpoints left to the engine (set its data source property {} to choose, or "
								+ "litestream.defer-application-checkpoints=false)",
						beanName, database.database().name(), pages, PRAGMA);
				return;
			}
		}
	}

}
