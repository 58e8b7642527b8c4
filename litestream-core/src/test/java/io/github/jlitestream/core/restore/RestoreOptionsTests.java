package io.github.jlitestream.core.restore;

import java.nio.file.Path;
import java.time.Instant;

import io.github.jlitestream.core.Generation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Each setter of {@link RestoreOptions.Builder} accepts its boundary and refuses the
 * value beyond it with the message the record's constructor gives; a timestamp and an
 * index together are refused when built.
 */
class RestoreOptionsTests {

	private static final Path OUTPUT = Path.of("restored", "app.db");

	private static final Instant TIME = Instant.parse("2026-03-01T12:00:00Z");

	@Test
	void defaultsRestoreTheLatestStateWithEightDownloadsAndTheIntegrityCheck() {
		RestoreOptions expected = new RestoreOptions(OUTPUT, null, null, null, 8, false, true);
		assertThat(RestoreOptions.builder(OUTPUT).build()).isEqualTo(expected);
		assertThat(RestoreOptions.latest(OUTPUT)).isEqualTo(expected);
		assertThat(expected.outputPath()).isEqualTo(OUTPUT.toAbsolutePath());
		assertThatNullPointerException().isThrownBy(() -> RestoreOptions.builder(null))
			.withMessage("'outputPath' must not be null");
	}

	@Test
	void parallelismMustBeAtLeastOne() {
		assertThat(RestoreOptions.builder(OUTPUT).parallelism(1).build().parallelism()).isEqualTo(1);
		RestoreOptions.Builder builder = RestoreOptions.builder(OUTPUT);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.parallelism(0))
			.withMessage("parallelism must be >= 1, was 0");
		assertThat(builder.build().parallelism()).isEqualTo(RestoreOptions.DEFAULT_PARALLELISM);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RestoreOptions(OUTPUT, null, null, null, 0, false, true))
			.withMessage("parallelism must be >= 1, was 0");
	}

	@Test
	void theIndexMustNotBeNegative() {
		assertThat(RestoreOptions.builder(OUTPUT).index(0L).build().index()).isZero();
		RestoreOptions.Builder builder = RestoreOptions.builder(OUTPUT).index(3L);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.index(-1L))
			.withMessage("WAL index must be >= 0: -1");
		assertThat(builder.build().index()).isEqualTo(3L);
		assertThat(builder.index(null).build().index()).isNull();
	}

	@Test
	void aTimestampAndAnIndexAreNotBothSet() {
		RestoreOptions.Builder both = RestoreOptions.builder(OUTPUT).timestamp(TIME).index(1L);
		assertThatIllegalArgumentException().isThrownBy(both::build)
			.withMessage("Restore to a timestamp or to an index, not both");
		assertThat(both.index(null).build().timestamp()).isEqualTo(TIME);
	}

	@Test
	void everySetterReachesItsComponent() {
		Generation generation = new Generation("0123456789abcdef");
		RestoreOptions options = RestoreOptions.builder(OUTPUT)
			.generation(generation)
			.timestamp(TIME)
			.parallelism(2)
			.overwrite(true)
			.integrityCheck(false)
			.build();
		assertThat(options).isEqualTo(new RestoreOptions(OUTPUT, generation, TIME, null, 2, true, false));
		assertThat(options.toBuilder().build()).isEqualTo(options);
		assertThat(options.toBuilder().timestamp(null).index(4L).build())
			.isEqualTo(new RestoreOptions(OUTPUT, generation, null, 4L, 2, true, false));
	}

}
