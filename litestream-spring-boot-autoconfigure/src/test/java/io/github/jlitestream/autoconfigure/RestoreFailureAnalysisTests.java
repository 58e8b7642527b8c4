package io.github.jlitestream.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Base64;

import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore that fails at startup says what to fix: a replica encrypted with a key that
 * is not configured names the key property, not the store.
 */
class RestoreFailureAnalysisTests {

	private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

	private static final String OTHER_KEY = Base64.getEncoder()
		.encodeToString(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
				24, 25, 26, 27, 28, 29, 30, 31, 32 });

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class));

	@Test
	void aReplicaEncryptedWithAnotherKeyNamesTheKeyProperty() throws Exception {
		Path path = this.dir.resolve("app.db");
		ApplicationContextRunner database = this.runner.withPropertyValues("litestream.databases.app.path=" + path,
				"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("replica").toUri());
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('encrypted')");
			database.withPropertyValues("litestream.databases.app.replicas.backup.encryption.key=" + KEY)
				.run((context) -> context.getBean(ReplicationManager.class).database("app").orElseThrow().syncNow());
		}
		for (String suffix : new String[] { "", "-wal", "-shm" }) {
			Files.deleteIfExists(Path.of(path + suffix));
		}
		database.withPropertyValues("litestream.databases.app.replicas.backup.encryption.key=" + OTHER_KEY)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new LitestreamRestoreFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("key id");
				assertThat(analysis.getAction())
					.startsWith("Check the replica's encryption key (litestream.databases.app.replicas.<name>"
							+ ".encryption.key, and .encryption.keys for objects written before a rotation)")
					.doesNotContain("store reachable");
			});
	}

}
