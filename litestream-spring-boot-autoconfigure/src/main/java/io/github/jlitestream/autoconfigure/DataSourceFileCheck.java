package io.github.jlitestream.autoconfigure;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.ReplicationManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;
import org.sqlite.SQLiteDataSource;

/**
 * Warns when the databases replicated and the SQLite files the application's DataSources
 * open differ: a DataSource moved to another file (only {@code spring.datasource.url}
 * overridden) left the old, empty file replicated with health UP, and the data the
 * application wrote unprotected. DataSources whose file cannot be read without opening a
 * connection (neither HikariCP nor SQLite's own) are not judged.
 */
final class DataSourceFileCheck implements BeanPostProcessor, SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(DataSourceFileCheck.class);

	private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource", null);

	private final ObjectProvider<ReplicationManager> manager;

	private final Map<String, Path> files = new LinkedHashMap<>();

	DataSourceFileCheck(ObjectProvider<ReplicationManager> manager) {
		this.manager = manager;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DataSource dataSource) {
			String file = ReplicationManagerFactory.sqlitePath(url(dataSource));
			if (file != null) {
				this.files.put(beanName, Path.of(file).toAbsolutePath().normalize());
			}
		}
		return bean;
	}

	private static @Nullable String url(DataSource dataSource) {
		if (HIKARI && Hikari.is(dataSource)) {
			return Hikari.url(dataSource);
		}
		if (dataSource instanceof SQLiteDataSource sqlite) {
			return sqlite.getUrl();
		}
		return null;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ReplicationManager replication = this.manager.getIfAvailable();
		if (replication == null || this.files.isEmpty() || replication.databases().isEmpty()) {
			return;
		}
		Map<Path, String> replicated = new LinkedHashMap<>();
		for (DatabaseReplication database : replication.databases()) {
			replicated.put(database.database().options().path(), database.database().name());
		}
		this.files.forEach((bean, file) -> {
			if (!replicated.containsKey(file)) {
				logger.warn("DataSource '{}' opens {}, which Litestream does not replicate (it replicates {}): "
						+ "what the application writes there has no backup. Leave litestream.databases.<name>.path "
						+ "unset to replicate spring.datasource.url's file, or set it to this file.", bean, file,
						replicated);
			}
		});
		replicated.forEach((file, name) -> {
			if (!this.files.containsValue(file)) {
				logger.warn(
						"Litestream replicates database '{}' at {}, which none of the application's "
								+ "DataSources opens ({}): check that this is the file the application writes.",
						name, file, this.files);
			}
		});
	}

	/** Apart, so that this class loads without HikariCP. */
	private static final class Hikari {

		static boolean is(DataSource dataSource) {
			return dataSource instanceof HikariDataSource;
		}

		static @Nullable String url(DataSource dataSource) {
			return ((HikariDataSource) dataSource).getJdbcUrl();
		}

	}

}
