package io.github.jlitestream.core.capture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQLite's answer to {@code PRAGMA wal_checkpoint} decides whether a write may restart
 * the WAL (only when every frame is backfilled and nothing was blocked) and whether a
 * checkpoint is tried again at once (while another connection runs one, SQLite answers
 * busy with no frame counts).
 */
class CheckpointResultTests {

	@Test
	void fullyBackfilledOnlyWhenEveryFrameIsInTheDatabaseFileAndNothingBlocked() {
		assertThat(new CheckpointResult(false, 5, 5).fullyBackfilled()).isTrue();
		assertThat(new CheckpointResult(false, 0, 0).fullyBackfilled()).as("an empty WAL").isTrue();
		assertThat(new CheckpointResult(false, 5, 3).fullyBackfilled()).as("readers hold frames back").isFalse();
		assertThat(new CheckpointResult(true, 5, 5).fullyBackfilled()).as("blocked").isFalse();
		assertThat(new CheckpointResult(true, -1, -1).fullyBackfilled()).as("another checkpointer").isFalse();
	}

	@Test
	void anotherCheckpointerIsBusyWithoutFrameCounts() {
		assertThat(new CheckpointResult(true, -1, -1).otherCheckpointerRunning()).isTrue();
		assertThat(new CheckpointResult(true, 5, 3).otherCheckpointerRunning()).as("blocked by readers").isFalse();
		assertThat(new CheckpointResult(false, -1, -1).otherCheckpointerRunning()).isFalse();
		assertThat(new CheckpointResult(false, 5, 5).otherCheckpointerRunning()).isFalse();
	}

	@Test
	void printsSqlitesThreeColumnsAsTheLogAlwaysHas() {
		assertThat(new CheckpointResult(false, 5, 5)).hasToString("[0, 5, 5]");
		assertThat(new CheckpointResult(true, -1, -1)).hasToString("[1, -1, -1]");
		assertThat(new CheckpointResult(true, 12, 7)).hasToString("[1, 12, 7]");
	}

}
