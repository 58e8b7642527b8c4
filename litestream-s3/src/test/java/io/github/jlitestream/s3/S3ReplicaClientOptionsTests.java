package io.github.jlitestream.s3;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Each setter of {@link S3ReplicaClient.Options.Builder} accepts the ends of its range
 * and refuses the values beyond them with the message the record's constructor gives.
 */
class S3ReplicaClientOptionsTests {

	@Test
	void theBuilderStartsFromTheDefaults() {
		assertThat(S3ReplicaClient.Options.builder().build()).isEqualTo(S3ReplicaClient.Options.DEFAULTS);
		assertThat(S3ReplicaClient.Options.DEFAULTS.listPageSize()).isEqualTo(1000);
		assertThat(S3ReplicaClient.Options.DEFAULTS.deleteBatchSize()).isEqualTo(1000);
		assertThat(S3ReplicaClient.Options.DEFAULTS.closeS3Client()).isFalse();
	}

	@Test
	void listPageSizeIsOneToAThousand() {
		assertThat(S3ReplicaClient.Options.builder().listPageSize(1).build().listPageSize()).isEqualTo(1);
		assertThat(S3ReplicaClient.Options.builder().listPageSize(1000).build().listPageSize()).isEqualTo(1000);
		S3ReplicaClient.Options.Builder builder = S3ReplicaClient.Options.builder().listPageSize(10);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.listPageSize(0))
			.withMessage("'listPageSize' must be 1 to 1000: 0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.listPageSize(1001))
			.withMessage("'listPageSize' must be 1 to 1000: 1001");
		assertThat(builder.build().listPageSize()).isEqualTo(10);
	}

	@Test
	void deleteBatchSizeIsOneToAThousand() {
		assertThat(S3ReplicaClient.Options.builder().deleteBatchSize(1).build().deleteBatchSize()).isEqualTo(1);
		S3ReplicaClient.Options.Builder builder = S3ReplicaClient.Options.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.deleteBatchSize(0))
			.withMessage("'deleteBatchSize' must be 1 to 1000: 0");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.deleteBatchSize(1001))
			.withMessage("'deleteBatchSize' must be 1 to 1000: 1001");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new S3ReplicaClient.Options(1000, 1001, false, Clock.systemUTC()))
			.withMessage("'deleteBatchSize' must be 1 to 1000: 1001");
	}

	@Test
	void toBuilderKeepsEveryValueButTheOneChanged() {
		Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
		S3ReplicaClient.Options options = S3ReplicaClient.Options.builder()
			.listPageSize(10)
			.deleteBatchSize(20)
			.clock(clock)
			.build();
		assertThat(options.toBuilder().closeS3Client(true).build())
			.isEqualTo(new S3ReplicaClient.Options(10, 20, true, clock));
		assertThatNullPointerException().isThrownBy(() -> options.toBuilder().clock(null))
			.withMessage("'clock' must not be null");
	}

}
