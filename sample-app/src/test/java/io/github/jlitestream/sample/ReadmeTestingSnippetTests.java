package io.github.jlitestream.sample;

import java.nio.file.Path;

import io.github.jlitestream.core.ReplicationManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Testing" snippet, as an application's test would run it: replication to a
 * temporary directory.
 */
@SpringBootTest
class ReadmeTestingSnippetTests {

	@TempDir
	static Path dir;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	ReplicationManager replication;

	@DynamicPropertySource
	static void litestream(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> "jdbc:sqlite:" + dir.resolve("app.db"));
		registry.add("litestream.databases.app.replicas.backup.url", () -> dir.resolve("replica").toUri().toString());
	}

	@Test
	void replicatesToTheTemporaryDirectory() throws Exception {
		this.jdbc.update("INSERT INTO notes (title, body, created_at, updated_at) VALUES ('t', 'b', 'now', 'now')");
		this.replication.database("app").orElseThrow().syncNow();
		assertThat(this.replication.database("app").orElseThrow().database().options().path())
			.isEqualTo(dir.resolve("app.db"));
		assertThat(this.replication.database("app").orElseThrow().replicas().get(0).position()).isNotNull();
		assertThat(dir.resolve("replica").resolve("generations")).isDirectory();
	}

}
