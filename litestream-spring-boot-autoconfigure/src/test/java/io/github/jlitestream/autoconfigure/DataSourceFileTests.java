package io.github.jlitestream.autoconfigure;

import java.nio.file.Path;

import io.github.jlitestream.core.ReplicationManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file replicated and the file the application's DataSource writes cannot part
 * silently: a database without a path replicates {@code spring.datasource.url}'s file, so
 * overriding the URL moves both, and where they differ the start warns.
 */
@ExtendWith(OutputCaptureExtension.class)
class DataSourceFileTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@Test
	void aDatabaseWithoutAPathReplicatesTheDataSourcesFile(CapturedOutput output) {
		Path other = this.dir.resolve("other.db");
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + other,
					"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("replica").toUri())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ReplicationManager.class)
					.database("app")
					.orElseThrow()
					.database()
					.options()
					.path()).isEqualTo(other);
				assertThat(output).doesNotContain("does not replicate").doesNotContain("none of the application's");
			});
	}

	@Test
	void aDataSourceOnAnotherFileThanTheReplicatedOneIsWarnedAbout(CapturedOutput output) {
		Path replicated = this.dir.resolve("app.db");
		Path written = this.dir.resolve("other.db");
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + written,
					"litestream.databases.app.path=" + replicated,
					"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("replica").toUri())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output)
					.contains("DataSource 'dataSource' opens " + written
							+ ", which Litestream does not replicate (it replicates {" + replicated + "=app})")
					.contains("Litestream replicates database 'app' at " + replicated
							+ ", which none of the application's DataSources opens");
			});
	}

	@Test
	void twoDatabasesWithoutAPathAreRefused() {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("one").toUri(),
					"litestream.databases.more.replicas.backup.url=" + this.dir.resolve("two").toUri())
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("litestream.databases.more.path")
				.hasMessageContaining(
						"only one may leave it unset to replicate the DataSource's file, and 'app' does"));
	}

}
