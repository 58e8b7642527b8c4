package io.github.jlitestream.autoconfigure;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Consumer;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.ReplicationManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The exact text a user reads for each option the core refuses: the property, its value,
 * the problem and what to do, as the failure analyzer prints them; the boundary values
 * pass, and when two values are wrong the first in the order of the properties is the one
 * reported.
 */
class ReplicationManagerFactoryTests {

	private static final String POSITIVE = "must be a positive duration";

	private static final String USE_DURATION = "Use a duration such as 1s, 500ms or 1m.";

	private static final String NOT_NEGATIVE = "must not be negative";

	private static final String USE_ZERO_OR_DURATION = "Use 0 to turn it off, or a duration such as 1h.";

	private static final String USE_ZERO_OR_PAGES = "Use 0 to turn it off, or a page count.";

	private static final String DATABASE = "litestream.databases.app";

	private static final String REPLICA = DATABASE + ".replicas[0]";

	@TempDir
	Path dir;

	@Test
	void databaseDurationsMustBePositive() {
		assertRefused((database) -> database.setMonitorInterval(Duration.ZERO), DATABASE + ".monitor-interval", "PT0S",
				POSITIVE, USE_DURATION);
		assertRefused((database) -> database.setMonitorInterval(null), DATABASE + ".monitor-interval", "null", POSITIVE,
				USE_DURATION);
		assertRefused((database) -> database.setCheckpointInterval(Duration.ofSeconds(-1)),
				DATABASE + ".checkpoint-interval", "PT-1S", POSITIVE, USE_DURATION);
	}

	@Test
	void pageCountsHaveTheirRanges() {
		assertRefused((database) -> database.setMinCheckpointPageCount(0), DATABASE + ".min-checkpoint-page-count", "0",
				"must be greater than 0", "Use a page count such as 1000.");
		assertRefused((database) -> database.setMaxCheckpointPageCount(-1), DATABASE + ".max-checkpoint-page-count",
				"-1", NOT_NEGATIVE, USE_ZERO_OR_PAGES);
		assertRefused((database) -> database.setTruncatePageCount(-1), DATABASE + ".truncate-page-count", "-1",
				NOT_NEGATIVE, USE_ZERO_OR_PAGES);
	}

	@Test
	void restoreParallelismIsCheckedWithTheDatabase() {
		assertRefused((database) -> database.getRestore().setParallelism(0), DATABASE + ".restore.parallelism", "0",
				"must be at least 1", "Use a value such as 8.");
	}

	@Test
	void replicaDurationsHaveTheirRanges() {
		assertRefused((database) -> replica(database).setSyncInterval(Duration.ZERO), REPLICA + ".sync-interval",
				"PT0S", POSITIVE, USE_DURATION);
		assertRefused((database) -> replica(database).setSnapshotInterval(Duration.ofHours(-1)),
				REPLICA + ".snapshot-interval", "PT-1H", NOT_NEGATIVE, USE_ZERO_OR_DURATION);
		assertRefused((database) -> replica(database).setRetention(Duration.ofHours(-1)), REPLICA + ".retention",
				"PT-1H", NOT_NEGATIVE, USE_ZERO_OR_DURATION);
		assertRefused((database) -> replica(database).setRetentionCheckInterval(Duration.ZERO),
				REPLICA + ".retention-check-interval", "PT0S", POSITIVE, USE_DURATION);
	}

	@Test
	void compressionLevelIsOneToTwentyTwo() {
		String action = "Use 3 (zstd's default) or another level from 1 to 22.";
		assertRefused((database) -> replica(database).setCompressionLevel(0), REPLICA + ".compression-level", "0",
				"must be 1 to 22", action);
		assertRefused((database) -> replica(database).setCompressionLevel(23), REPLICA + ".compression-level", "23",
				"must be 1 to 22", action);
	}

	@Test
	void compactionAgeIsZeroOrMore() {
		assertRefused((database) -> replica(database).setCompactionAge(Duration.ofMinutes(-5)),
				REPLICA + ".compaction-age", "PT-5M", NOT_NEGATIVE, USE_ZERO_OR_DURATION);
	}

	@Test
	void snapshotWalRatioIsZeroOrMore() {
		assertRefused((database) -> replica(database).setSnapshotWalRatio(-0.5), REPLICA + ".snapshot-wal-ratio",
				"-0.5", "must be 0 (off) or more",
				"Use 1 (a restore downloads at most about twice the database), or 0 to turn it off.");
		assertRefused((database) -> replica(database).setSnapshotWalRatio(Double.NaN), REPLICA + ".snapshot-wal-ratio",
				"NaN", "must be 0 (off) or more",
				"Use 1 (a restore downloads at most about twice the database), or 0 to turn it off.");
	}

	@Test
	void theDefaultDatabaseNamesTheTopLevelReplicas() {
		LitestreamProperties properties = new LitestreamProperties();
		LitestreamProperties.Replica replica = new LitestreamProperties.Replica();
		replica.setUrl(this.dir.resolve("replica").toUri().toString());
		replica.setSyncInterval(Duration.ZERO);
		properties.getReplicas().put("0", replica);
		ReplicationManagerFactory factory = new ReplicationManagerFactory(properties, new ReplicaClients(null),
				"jdbc:sqlite:" + this.dir.resolve("app.db"));
		assertThatExceptionOfType(LitestreamConfigurationException.class)
			.isThrownBy(() -> factory.create(ReplicationListener.NONE, Clock.systemUTC()))
			.withMessage(
					"Invalid Litestream configuration: litestream.replicas[0].sync-interval = 'PT0S': " + POSITIVE);
	}

	@Test
	void theFirstWrongValueInPropertyOrderIsReported() {
		assertRefused((database) -> {
			database.setMonitorInterval(Duration.ZERO);
			database.setMaxCheckpointPageCount(-1);
			database.getRestore().setParallelism(0);
		}, DATABASE + ".monitor-interval", "PT0S", POSITIVE, USE_DURATION);
		assertRefused((database) -> {
			database.getRestore().setParallelism(0);
			replica(database).setSyncInterval(Duration.ZERO);
		}, DATABASE + ".restore.parallelism", "0", "must be at least 1", "Use a value such as 8.");
		assertRefused((database) -> {
			replica(database).setRetention(Duration.ofHours(-1));
			replica(database).setCompressionLevel(0);
		}, REPLICA + ".retention", "PT-1H", NOT_NEGATIVE, USE_ZERO_OR_DURATION);
		assertRefused((database) -> {
			replica(database).setCompressionLevel(0);
			replica(database).getEncryption().setKey("not base64!");
		}, REPLICA + ".compression-level", "0", "must be 1 to 22",
				"Use 3 (zstd's default) or another level from 1 to 22.");
	}

	@Test
	void aBlankReplicaNameIsRefusedByTheCoreAfterTheDurations() {
		ReplicationManagerFactory nameAndInterval = factory((database) -> {
			replica(database).setName(" ");
			replica(database).setSyncInterval(Duration.ZERO);
		});
		assertThatExceptionOfType(LitestreamConfigurationException.class)
			.isThrownBy(() -> nameAndInterval.create(ReplicationListener.NONE, Clock.systemUTC()))
			.withMessageContaining(REPLICA + ".sync-interval");
		ReplicationManagerFactory name = factory((database) -> replica(database).setName(" "));
		assertThatIllegalArgumentException().isThrownBy(() -> name.create(ReplicationListener.NONE, Clock.systemUTC()))
			.withMessage("A replica name must not be blank");
	}

	@Test
	void boundaryValuesAreMappedIntoTheOptions() {
		Path path = this.dir.resolve("app.db");
		String key = Base64.getEncoder().encodeToString(new byte[32]);
		ReplicationManagerFactory factory = factory((database) -> {
			database.setMonitorInterval(Duration.ofNanos(1));
			database.setCheckpointInterval(Duration.ofMillis(1));
			database.setMinCheckpointPageCount(1);
			database.setMaxCheckpointPageCount(0);
			database.setTruncatePageCount(0);
			database.setMetaPath(this.dir.resolve("meta").toString());
			database.getRestore().setParallelism(1);
			LitestreamProperties.Replica replica = replica(database);
			replica.setName("r");
			replica.setSyncInterval(Duration.ofNanos(1));
			replica.setSnapshotInterval(Duration.ZERO);
			replica.setRetention(Duration.ZERO);
			replica.setRetentionCheckInterval(Duration.ofNanos(1));
			replica.setCompression("zstd");
			replica.setCompressionLevel(22);
			replica.getEncryption().setKey(key);
		});
		try (ReplicationManager manager = factory.create(ReplicationListener.NONE, Clock.systemUTC())) {
			assertThat(manager.database("app").orElseThrow().database().options())
				.isEqualTo(new DatabaseOptions(path, this.dir.resolve("meta"), Duration.ofNanos(1),
						Duration.ofMillis(1), 1, 0, 0, DatabaseOptions.DEFAULT_BUSY_TIMEOUT));
			assertThat(manager.database("app").orElseThrow().replicas().get(0).options())
				.isEqualTo(new ReplicaOptions("r", Duration.ofNanos(1), Duration.ZERO, Duration.ZERO,
						Duration.ofNanos(1), Duration.ofSeconds(30)));
		}
		try (ReplicationManager manager = factory((database) -> replica(database).setCompressionLevel(1))
			.create(ReplicationListener.NONE, Clock.systemUTC())) {
			assertThat(manager.databases()).hasSize(1);
		}
	}

	private void assertRefused(Consumer<LitestreamProperties.Database> change, String property, String value,
			String problem, String action) {
		LitestreamConfigurationException ex = refusal(factory(change));
		assertThat(ex.getMessage())
			.isEqualTo("Invalid Litestream configuration: " + property + " = '" + value + "': " + problem);
		assertThat(ex.property()).isEqualTo(property);
		assertThat(ex.action()).isEqualTo(action);
		FailureAnalysis analysis = new LitestreamFailureAnalyzer().analyze(new IllegalStateException(ex));
		assertThat(analysis.getDescription()).isEqualTo(ex.getMessage());
		assertThat(analysis.getAction()).isEqualTo(action);
	}

	private static LitestreamConfigurationException refusal(ReplicationManagerFactory factory) {
		try {
			factory.create(ReplicationListener.NONE, Clock.systemUTC()).close();
		}
		catch (LitestreamConfigurationException ex) {
			return ex;
		}
		throw new AssertionError("the factory accepted the properties");
	}

	private ReplicationManagerFactory factory(Consumer<LitestreamProperties.Database> change) {
		LitestreamProperties properties = new LitestreamProperties();
		LitestreamProperties.Database database = new LitestreamProperties.Database();
		database.setPath(this.dir.resolve("app.db").toString());
		LitestreamProperties.Replica replica = new LitestreamProperties.Replica();
		replica.setUrl(this.dir.resolve("replica").toUri().toString());
		database.getReplicas().put("0", replica);
		change.accept(database);
		properties.getDatabases().put("app", database);
		return new ReplicationManagerFactory(properties, new ReplicaClients(null), null);
	}

	private static LitestreamProperties.Replica replica(LitestreamProperties.Database database) {
		return database.getReplicas().get("0");
	}

}
