package io.github.jlitestream.core;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Each setter of {@link DatabaseOptions.Builder} accepts its boundary, refuses the value
 * beyond it with the message the record's constructor gives, and keeps its earlier value
 * when it refuses; the defaults are Litestream v0.3.13's.
 */
class DatabaseOptionsTests {

	private static final Path PATH = Path.of("data", "app.db");

	@Test
	void defaultsAreLitestreams() {
		DatabaseOptions expected = new DatabaseOptions(PATH, null, Duration.ofSeconds(1), Duration.ofMinutes(1), 1000,
				10_000, 500_000, Duration.ofSeconds(1));
		assertThat(DatabaseOptions.builder(PATH).build()).isEqualTo(expected);
		assertThat(DatabaseOptions.of(PATH)).isEqualTo(expected);
	}

	@Test
	void thePathIsAbsoluteAndTheMetaPathBesideIt() {
		DatabaseOptions options = DatabaseOptions.builder(Path.of("data", "x", "..", "app.db")).build();
		assertThat(options.path()).isEqualTo(PATH.toAbsolutePath());
		assertThat(options.metaPath()).isEqualTo(PATH.toAbsolutePath().resolveSibling(".app.db-litestream"));
		Path meta = Path.of("elsewhere");
		assertThat(DatabaseOptions.builder(PATH).metaPath(meta).build().metaPath()).isEqualTo(meta);
		assertThatNullPointerException().isThrownBy(() -> DatabaseOptions.builder(null))
			.withMessage("'path' must not be null");
	}

	@Test
	void monitorIntervalMustBePositive() {
		assertThat(DatabaseOptions.builder(PATH).monitorInterval(Duration.ofNanos(1)).build().monitorInterval())
			.isEqualTo(Duration.ofNanos(1));
		DatabaseOptions.Builder builder = DatabaseOptions.builder(PATH);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.monitorInterval(Duration.ZERO))
			.withMessage("monitorInterval must be positive, was PT0S");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.monitorInterval(Duration.ofSeconds(-1)))
			.withMessage("monitorInterval must be positive, was PT-1S");
		assertThatNullPointerException().isThrownBy(() -> builder.monitorInterval(null))
			.withMessage("'monitorInterval' must not be null");
		assertThat(builder.build().monitorInterval()).isEqualTo(DatabaseOptions.DEFAULT_MONITOR_INTERVAL);
	}

	@Test
	void checkpointIntervalMustBePositive() {
		assertThat(DatabaseOptions.builder(PATH).checkpointInterval(Duration.ofNanos(1)).build().checkpointInterval())
			.isEqualTo(Duration.ofNanos(1));
		DatabaseOptions.Builder builder = DatabaseOptions.builder(PATH);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.checkpointInterval(Duration.ZERO))
			.withMessage("checkpointInterval must be positive, was PT0S");
		assertThat(builder.build().checkpointInterval()).isEqualTo(DatabaseOptions.DEFAULT_CHECKPOINT_INTERVAL);
	}

	@Test
	void busyTimeoutMustBePositive() {
		assertThat(DatabaseOptions.builder(PATH).busyTimeout(Duration.ofNanos(1)).build().busyTimeout())
			.isEqualTo(Duration.ofNanos(1));
		DatabaseOptions.Builder builder = DatabaseOptions.builder(PATH);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.busyTimeout(Duration.ofMillis(-1)))
			.withMessage("busyTimeout must be positive, was PT-0.001S");
		assertThat(builder.build().busyTimeout()).isEqualTo(DatabaseOptions.DEFAULT_BUSY_TIMEOUT);
	}

	@Test
	void minCheckpointPageCountMustBeAtLeastOne() {
		assertThat(DatabaseOptions.builder(PATH).minCheckpointPageCount(1).build().minCheckpointPageCount())
			.isEqualTo(1);
		DatabaseOptions.Builder builder = DatabaseOptions.builder(PATH);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.minCheckpointPageCount(0))
			.withMessage("minCheckpointPageCount must be > 0, was 0");
		assertThat(builder.build().minCheckpointPageCount())
			.isEqualTo(DatabaseOptions.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT);
	}

	@Test
	void maxAndTruncatePageCountsMayBeZeroButNotNegative() {
		DatabaseOptions disabled = DatabaseOptions.builder(PATH).maxCheckpointPageCount(0).truncatePageCount(0).build();
		assertThat(disabled.maxCheckpointPageCount()).isZero();
		assertThat(disabled.truncatePageCount()).isZero();
		DatabaseOptions.Builder builder = DatabaseOptions.builder(PATH);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxCheckpointPageCount(-1))
			.withMessage("maxCheckpointPageCount and truncatePageCount must be >= 0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.truncatePageCount(-1))
			.withMessage("maxCheckpointPageCount and truncatePageCount must be >= 0");
		assertThat(builder.build()).isEqualTo(DatabaseOptions.of(PATH));
	}

	@Test
	void theConstructorAppliesTheSameRules() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DatabaseOptions(PATH, null, Duration.ZERO, Duration.ofMinutes(1), 1, 0, 0,
					Duration.ofSeconds(1)))
			.withMessage("monitorInterval must be positive, was PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DatabaseOptions(PATH, null, Duration.ofSeconds(1), Duration.ofMinutes(1), 0, 0, 0,
					Duration.ofSeconds(1)))
			.withMessage("minCheckpointPageCount must be > 0, was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DatabaseOptions(PATH, null, Duration.ofSeconds(1), Duration.ofMinutes(1), 1, 0, -1,
					Duration.ofSeconds(1)))
			.withMessage("maxCheckpointPageCount and truncatePageCount must be >= 0");
	}

	@Test
	void toBuilderKeepsEveryValueButTheOneChanged() {
		DatabaseOptions options = DatabaseOptions.builder(PATH)
			.metaPath(Path.of("meta"))
			.monitorInterval(Duration.ofMillis(50))
			.checkpointInterval(Duration.ofSeconds(5))
			.minCheckpointPageCount(5)
			.maxCheckpointPageCount(20)
			.truncatePageCount(40)
			.busyTimeout(Duration.ofSeconds(3))
			.build();
		assertThat(options.toBuilder().build()).isEqualTo(options);
		assertThat(options.toBuilder().maxCheckpointPageCount(30).build()).isEqualTo(new DatabaseOptions(PATH,
				Path.of("meta"), Duration.ofMillis(50), Duration.ofSeconds(5), 5, 30, 40, Duration.ofSeconds(3)));
	}

}
