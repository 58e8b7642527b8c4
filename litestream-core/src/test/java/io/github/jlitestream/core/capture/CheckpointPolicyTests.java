package io.github.jlitestream.core.capture;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.DatabaseOptions;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the engine checkpoints: truncate when the WAL file reaches the truncate page
 * count, restart when the WAL reaches the max page count, passive each time it has grown
 * by the min page count (at most once per monitor interval), restart when the database
 * was idle for the checkpoint interval with more than one page in the WAL. Plain sizes
 * and fixed instants, no SQLite.
 */
class CheckpointPolicyTests {

	private static final int PAGE_SIZE = 4096;

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	/**
	 * Changed just now, checkpointed just now: only the size thresholds can make a
	 * checkpoint due.
	 */
	private static final Instant JUST_NOW = NOW.minusMillis(1);

	private final CheckpointPolicy policy = new CheckpointPolicy(options(10, 100, 1000));

	@Test
	void truncatesWhenTheWalFileReachesTheTruncatePageCount() {
		assertThat(due(wal(1000), wal(0), 0, JUST_NOW, JUST_NOW)).isEqualTo(CheckpointMode.TRUNCATE);
		assertThat(due(wal(1000) - 1, wal(0), 0, JUST_NOW, JUST_NOW)).isNull();
		assertThat(due(wal(5000), wal(100), 0, null, NOW.minus(Duration.ofHours(1)))).as("before every other rule")
			.isEqualTo(CheckpointMode.TRUNCATE);
	}

	@Test
	void restartsWhenTheWalReachesTheMaxPageCount() {
		assertThat(due(wal(100), wal(100), wal(95), JUST_NOW, JUST_NOW)).isEqualTo(CheckpointMode.RESTART);
		assertThat(due(wal(100), wal(100) - 1, wal(95), JUST_NOW, JUST_NOW)).isNull();
		assertThat(due(wal(200), wal(100), 0, null, JUST_NOW)).as("before a passive checkpoint")
			.isEqualTo(CheckpointMode.RESTART);
	}

	@Test
	void theWalFileSizeDecidesTruncateAndTheCurrentLifetimeDecidesRestart() {
		assertThat(due(wal(999), wal(99), wal(95), JUST_NOW, JUST_NOW)).as("a large file, a short lifetime").isNull();
	}

	@Test
	void truncateAndRestartAreOffAtZero() {
		CheckpointPolicy off = new CheckpointPolicy(options(10, 0, 0));
		assertThat(off.due(wal(100_000), wal(100_000), PAGE_SIZE, wal(100_000), JUST_NOW, JUST_NOW, NOW)).isNull();
		assertThat(off.due(wal(100_000), wal(100_000), PAGE_SIZE, 0, null, JUST_NOW, NOW))
			.isEqualTo(CheckpointMode.PASSIVE);
	}

	@Test
	void passiveEachTimeTheWalGrewByTheMinPageCount() {
		assertThat(due(wal(10), wal(10), 0, null, JUST_NOW)).isEqualTo(CheckpointMode.PASSIVE);
		assertThat(due(wal(9), wal(9), 0, null, JUST_NOW)).isNull();
		assertThat(due(wal(30), wal(29), wal(20), null, JUST_NOW)).as("9 pages since the last passive one").isNull();
		assertThat(due(wal(30), wal(30), wal(20), null, JUST_NOW)).as("10 pages since the last passive one")
			.isEqualTo(CheckpointMode.PASSIVE);
	}

	@Test
	void passiveAtMostOncePerMonitorInterval() {
		assertThat(due(wal(50), wal(50), 0, NOW.minusMillis(999), JUST_NOW)).isNull();
		assertThat(due(wal(50), wal(50), 0, NOW.minusSeconds(1), JUST_NOW)).isEqualTo(CheckpointMode.PASSIVE);
	}

	@Test
	void restartsAnIdleDatabasesWalWithMoreThanOnePage() {
		assertThat(due(wal(2), wal(2), 0, JUST_NOW, NOW.minusSeconds(61))).isEqualTo(CheckpointMode.RESTART);
		assertThat(due(wal(2), wal(2), 0, JUST_NOW, NOW.minusSeconds(60))).as("idle for exactly the interval").isNull();
		assertThat(due(wal(1), wal(1), 0, JUST_NOW, NOW.minusSeconds(61))).as("one page").isNull();
		assertThat(due(wal(2), wal(1) + 1, 0, JUST_NOW, NOW.minusSeconds(61))).as("more than one page's bytes")
			.isEqualTo(CheckpointMode.RESTART);
	}

	@Test
	void nothingIsDueOtherwise() {
		assertThat(due(wal(5), wal(5), 0, null, JUST_NOW)).isNull();
		assertThat(due(wal(0), wal(0), 0, null, NOW.minus(Duration.ofDays(1)))).as("an idle, empty WAL").isNull();
	}

	private @Nullable CheckpointMode due(long walFileSize, long shadowSize, long passiveBackfilledUpTo,
			@Nullable Instant lastCheckpointAt, Instant lastChangeAt) {
		return this.policy.due(walFileSize, shadowSize, PAGE_SIZE, passiveBackfilledUpTo, lastCheckpointAt,
				lastChangeAt, NOW);
	}

	/**
	 * The bytes of a WAL holding {@code frames} frames: the 32-byte header, then 24 bytes
	 * and a page each.
	 */
	private static long wal(int frames) {
		return 32 + (24L + PAGE_SIZE) * frames;
	}

	private static DatabaseOptions options(int min, int max, int truncate) {
		return DatabaseOptions.builder(Path.of("app.db"))
			.minCheckpointPageCount(min)
			.maxCheckpointPageCount(max)
			.truncatePageCount(truncate)
			.monitorInterval(Duration.ofSeconds(1))
			.checkpointInterval(Duration.ofSeconds(60))
			.build();
	}

}
