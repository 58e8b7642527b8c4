package io.github.jlitestream.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Each setter of {@link ReplicaOptions.Builder} accepts its boundary and refuses the
 * value beyond it with the message the record's constructor gives; the name is checked
 * when the options are built.
 */
class ReplicaOptionsTests {

	@Test
	void defaultsAreLitestreamsWithDailySnapshots() {
		ReplicaOptions expected = new ReplicaOptions("r", Duration.ofSeconds(1), Duration.ofHours(24),
				Duration.ofHours(24), Duration.ofHours(1), Duration.ofSeconds(30));
		assertThat(ReplicaOptions.builder("r").build()).isEqualTo(expected);
		assertThat(ReplicaOptions.of("r")).isEqualTo(expected);
	}

	@Test
	void syncIntervalMustBePositive() {
		assertThat(ReplicaOptions.builder("r").syncInterval(Duration.ofNanos(1)).build().syncInterval())
			.isEqualTo(Duration.ofNanos(1));
		ReplicaOptions.Builder builder = ReplicaOptions.builder("r");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.syncInterval(Duration.ZERO))
			.withMessage("syncInterval must be positive, was PT0S");
		assertThatNullPointerException().isThrownBy(() -> builder.syncInterval(null))
			.withMessage("'syncInterval' must not be null");
		assertThat(builder.build().syncInterval()).isEqualTo(ReplicaOptions.DEFAULT_SYNC_INTERVAL);
	}

	@Test
	void snapshotIntervalAndRetentionMayBeZeroButNotNegative() {
		ReplicaOptions off = ReplicaOptions.builder("r")
			.snapshotInterval(Duration.ZERO)
			.retention(Duration.ZERO)
			.build();
		assertThat(off.snapshotInterval()).isZero();
		assertThat(off.retention()).isZero();
		ReplicaOptions.Builder builder = ReplicaOptions.builder("r");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.snapshotInterval(Duration.ofSeconds(-1)))
			.withMessage("snapshotInterval must not be negative, was PT-1S");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.retention(Duration.ofHours(-1)))
			.withMessage("retention must not be negative, was PT-1H");
		assertThatNullPointerException().isThrownBy(() -> builder.retention(null))
			.withMessage("'retention' must not be null");
		assertThat(builder.build()).isEqualTo(ReplicaOptions.of("r"));
	}

	@Test
	void retentionCheckIntervalMustBePositive() {
		assertThat(ReplicaOptions.builder("r")
			.retentionCheckInterval(Duration.ofNanos(1))
			.build()
			.retentionCheckInterval()).isEqualTo(Duration.ofNanos(1));
		ReplicaOptions.Builder builder = ReplicaOptions.builder("r");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.retentionCheckInterval(Duration.ZERO))
			.withMessage("retentionCheckInterval must be positive, was PT0S");
		assertThat(builder.build().retentionCheckInterval()).isEqualTo(ReplicaOptions.DEFAULT_RETENTION_CHECK_INTERVAL);
	}

	@Test
	void theNameIsCheckedWhenBuilt() {
		ReplicaOptions.Builder blank = ReplicaOptions.builder(" ").syncInterval(Duration.ofMillis(50));
		assertThatIllegalArgumentException().isThrownBy(blank::build).withMessage("A replica name must not be blank");
		ReplicaOptions.Builder missing = ReplicaOptions.builder(null);
		assertThatNullPointerException().isThrownBy(missing::build).withMessage("'name' must not be null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ReplicaOptions("", Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO,
					Duration.ofHours(1), Duration.ZERO))
			.withMessage("A replica name must not be blank");
	}

	@Test
	void toBuilderKeepsEveryValueButTheOneChanged() {
		ReplicaOptions options = ReplicaOptions.builder("r")
			.syncInterval(Duration.ofMillis(50))
			.snapshotInterval(Duration.ofHours(6))
			.retention(Duration.ofDays(2))
			.retentionCheckInterval(Duration.ofMinutes(5))
			.build();
		assertThat(options.toBuilder().build()).isEqualTo(options);
		assertThat(options.toBuilder().retention(Duration.ZERO).build())
			.isEqualTo(new ReplicaOptions("r", Duration.ofMillis(50), Duration.ofHours(6), Duration.ZERO,
					Duration.ofMinutes(5), Duration.ofSeconds(30)));
	}

	@Test
	void leaseTtlIsZeroOrAtLeastOneSecond() {
		assertThat(ReplicaOptions.of("r").leased()).isTrue();
		assertThat(ReplicaOptions.builder("r").leaseTtl(Duration.ZERO).build().leased()).isFalse();
		assertThat(ReplicaOptions.builder("r").leaseTtl(Duration.ofSeconds(1)).build().leaseTtl())
			.isEqualTo(Duration.ofSeconds(1));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReplicaOptions.builder("r").leaseTtl(Duration.ofMillis(999)))
			.withMessage("leaseTtl must be zero (no lease) or at least 1 second, was PT0.999S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReplicaOptions.builder("r").leaseTtl(Duration.ofSeconds(-1)))
			.withMessage("leaseTtl must not be negative, was PT-1S");
	}

}
