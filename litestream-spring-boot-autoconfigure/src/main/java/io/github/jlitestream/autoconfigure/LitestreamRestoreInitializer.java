package io.github.jlitestream.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.restore.RestoreResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationStartupAware;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

/**
 * Restores missing databases before any DataSource is created (every DataSource bean
 * depends on this one), so the application's first query sees its data. A database whose
 * restore fails stops the start. Each database's restore is a startup step
 * ({@code litestream.restore}, in {@code /actuator/startup}) and logs its progress while
 * it lasts.
 *
 * @since 0.1.0
 */
public class LitestreamRestoreInitializer implements InitializingBean, ApplicationStartupAware {

	private static final Logger logger = LoggerFactory.getLogger(LitestreamRestoreInitializer.class);

	private final ReplicationManager manager;

	private final Map<String, LitestreamProperties.Database> databases;

	private ApplicationStartup startup = ApplicationStartup.DEFAULT;

	public LitestreamRestoreInitializer(ReplicationManager manager,
			Map<String, LitestreamProperties.Database> databases) {
		this.manager = manager;
		this.databases = databases;
	}

	@Override
	public void setApplicationStartup(ApplicationStartup startup) {
		this.startup = startup;
	}

	@Override
	public void afterPropertiesSet() {
		for (DatabaseReplication replication : this.manager.databases()) {
			String name = replication.database().name();
			applyStagedRollback(name, replication);
			LitestreamProperties.Database database = this.databases.get(name);
			if (database == null || database.getRestore().getMode() != LitestreamProperties.RestoreMode.IF_MISSING) {
				continue;
			}
			Path path = replication.database().options().path();
			if (Files.exists(path)) {
				logger.info("db={} {} exists, no restore needed", name, path);
				continue;
			}
			String generation = database.getRestore().getGeneration();
			awaitLeases(name, replication, database.getRestore().getWaitForLease());
			restore(name, replication, path, database.getRestore().getParallelism(),
					(generation == null || generation.isBlank()) ? null : new Generation(generation.trim()));
		}
	}

	/**
	 * A rollback staged through the endpoint or the command line goes in before anything
	 * opens the database; one that cannot be applied stops the start (the application
	 * would serve the state the operator asked to leave).
	 */
	private static void applyStagedRollback(String name, DatabaseReplication replication) {
		try {
			replication.rollback()
				.applyIfStaged()
				.ifPresent((intent) -> logger.info("db={} rolled back to {} ({}); the database before it is {}", name,
						intent.target(), intent.position(), intent.aside()));
		}
		catch (IOException | RuntimeException ex) {
			throw new LitestreamRestoreException(name,
					"The rollback staged for database '" + name + "' cannot be applied: " + ex.getMessage(), ex);
		}
	}

	private static void awaitLeases(String name, DatabaseReplication replication, @Nullable Duration wait) {
		if (wait == null || wait.isZero() || wait.isNegative()) {
			return;
		}
		logger.info("db={} restore waits up to {} for the replicas' leases to be released", name, wait);
		try {
			replication.awaitLeasesFree(wait);
		}
		catch (IOException ex) {
			logger.warn("db={} restore cannot read the replicas' leases ({}); restoring without waiting", name,
					ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LitestreamRestoreException(name, "Interrupted while waiting for the replicas' leases", ex);
		}
	}

	private void restore(String name, DatabaseReplication replication, Path path, int parallelism,
			@Nullable Generation generation) {
		StartupStep step = this.startup.start("litestream.restore").tag("db", name).tag("path", path.toString());
		try {
			Files.createDirectories(path.getParent());
			Optional<RestoreResult> result = replication.restoreIfMissing(parallelism, generation,
					new RestoreProgressLog(logger, name));
			if (result.isPresent()) {
				RestoreResult restored = result.get();
				step.tag("outcome", "restored")
					.tag("position", restored.position().toString())
					.tag("bytes", Long.toString(restored.databaseBytes()));
				logger.info("db={} restored {} ({} bytes) from generation {} at {} in {} ms ({} bytes downloaded)",
						name, path, restored.databaseBytes(), restored.position().generation(), restored.position(),
						restored.duration().toMillis(), restored.downloadedBytes());
			}
			else {
				step.tag("outcome", "no-backup");
				logger.info("db={} {} does not exist and no replica has a backup: starting with an empty database",
						name, path);
			}
		}
		catch (IOException | RuntimeException ex) {
			step.tag("outcome", "failed");
			throw new LitestreamRestoreException(name,
					"Database '" + name + "' (" + path + ") is missing and could not be restored: " + ex.getMessage(),
					ex);
		}
		finally {
			step.end();
		}
	}

}
