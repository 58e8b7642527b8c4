package io.github.jlitestream.core.capture;

import java.time.Instant;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica's lag is the age of the oldest commit beyond its position, counted from when
 * the engine noticed the commit; commits are forgotten once every replica has them, and a
 * new generation keeps the age of the old one's commits that no replica has yet (they
 * reach the replicas through its snapshot).
 */
class CommitLogTests {

	private static final Generation FIRST = new Generation("00000000000000a1");

	/**
	 * Named after {@link #FIRST}: positions of different generations compare by name
	 * only.
	 */
	private static final Generation SECOND = new Generation("00000000000000b2");

	private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

	private final CommitLog log = new CommitLog();

	@Test
	void nothingIsPendingBeforeTheFirstCommit() {
		assertThat(this.log.oldestAfter(null)).isNull();
		assertThat(this.log.oldestAfter(at(FIRST, 0, 100))).isNull();
	}

	@Test
	void theOldestCommitBeyondAPositionGivesTheLag() {
		recordThreeBatches();
		assertThat(this.log.oldestAfter(null)).as("a replica without a position").isEqualTo(T0);
		assertThat(this.log.oldestAfter(at(FIRST, 0, 99))).isEqualTo(T0);
		assertThat(this.log.oldestAfter(at(FIRST, 0, 100))).as("holds the first batch").isEqualTo(T0.plusSeconds(1));
		assertThat(this.log.oldestAfter(at(FIRST, 0, 200))).isEqualTo(T0.plusSeconds(2));
		assertThat(this.log.oldestAfter(at(FIRST, 1, 50))).as("holds every batch").isNull();
	}

	@Test
	void aPositionInAnotherGenerationHoldsNoneOfTheCommits() {
		this.log.record(at(FIRST, 0, 100), T0, false);
		assertThat(this.log.oldestAfter(at(SECOND, 5, 1000))).isEqualTo(T0);
	}

	@Test
	void durableForgetsTheCommitsUpToThePosition() {
		recordThreeBatches();
		this.log.durable(at(FIRST, 0, 150));
		assertThat(this.log.oldestAfter(null)).isEqualTo(T0.plusSeconds(1));
		this.log.durable(at(FIRST, 0, 200));
		assertThat(this.log.oldestAfter(null)).isEqualTo(T0.plusSeconds(2));
		this.log.durable(at(FIRST, 0, 120));
		assertThat(this.log.oldestAfter(null)).as("an older position forgets nothing more")
			.isEqualTo(T0.plusSeconds(2));
		this.log.durable(at(FIRST, 1, 50));
		assertThat(this.log.oldestAfter(null)).isNull();
	}

	@Test
	void durableInAnotherGenerationForgetsNothing() {
		this.log.record(at(FIRST, 0, 100), T0, false);
		this.log.durable(at(SECOND, 9, 9999));
		assertThat(this.log.oldestAfter(null)).isEqualTo(T0);
	}

	@Test
	void aNewGenerationKeepsTheAgeOfTheOldestCommitNoReplicaHas() {
		this.log.record(at(FIRST, 0, 100), T0, false);
		this.log.record(at(FIRST, 0, 200), T0.plusSeconds(1), false);
		this.log.record(at(SECOND, 0, 4152), T0.plusSeconds(5), true);
		assertThat(this.log.oldestAfter(at(FIRST, 0, 200))).as("a replica still in the old generation").isEqualTo(T0);
		assertThat(this.log.oldestAfter(at(SECOND, 0, 4151))).isEqualTo(T0);
		assertThat(this.log.oldestAfter(at(SECOND, 0, 4152))).as("the old generation's commits are forgotten").isNull();
	}

	@Test
	void theFirstGenerationStartsWhenItWasNoticed() {
		this.log.record(at(FIRST, 0, 4152), T0, true);
		assertThat(this.log.oldestAfter(null)).isEqualTo(T0);
		this.log.durable(at(FIRST, 0, 4152));
		assertThat(this.log.oldestAfter(null)).isNull();
	}

	private void recordThreeBatches() {
		this.log.record(at(FIRST, 0, 100), T0, false);
		this.log.record(at(FIRST, 0, 200), T0.plusSeconds(1), false);
		this.log.record(at(FIRST, 1, 50), T0.plusSeconds(2), false);
	}

	private static Position at(Generation generation, long index, long offset) {
		return new Position(generation, index, offset);
	}

}
