package io.github.jlitestream.core;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interval rules of the replication threads, at their boundaries, with plain
 * durations.
 */
class UploadPacerTests {

	private final UploadPacer pacer = new UploadPacer(Duration.ofSeconds(1));

	@Test
	void copyGapIsATenthOfTheShortestSyncIntervalWithinItsBounds() {
		assertThat(UploadPacer.copyGap(List.of(replica(Duration.ofMillis(500)), replica(Duration.ofSeconds(2)))))
			.isEqualTo(Duration.ofMillis(50));
		assertThat(UploadPacer.copyGap(List.of(replica(Duration.ofMillis(50))))).isEqualTo(UploadPacer.MIN_COPY_GAP);
		assertThat(UploadPacer.copyGap(List.of(replica(Duration.ofMillis(100))))).isEqualTo(Duration.ofMillis(10));
		assertThat(UploadPacer.copyGap(List.of(replica(Duration.ofSeconds(1))))).isEqualTo(UploadPacer.MAX_COPY_GAP);
		assertThat(UploadPacer.copyGap(List.of(replica(Duration.ofMinutes(1))))).isEqualTo(UploadPacer.MAX_COPY_GAP);
		assertThat(UploadPacer.copyGap(List.of())).isEqualTo(UploadPacer.MAX_COPY_GAP);
	}

	@Test
	void theLongGapOnlyFollowsACopyThatFoundCommits() {
		assertThat(UploadPacer.gapBeforeCopy(Duration.ofMillis(80), true)).isEqualTo(Duration.ofMillis(80));
		assertThat(UploadPacer.gapBeforeCopy(Duration.ofMillis(80), false)).isEqualTo(UploadPacer.MIN_COPY_GAP);
	}

	@Test
	void backoffDoublesPerFailureUpToItsCap() {
		assertThat(UploadPacer.backoff(Duration.ofSeconds(1), 0)).isEqualTo(Duration.ofSeconds(1));
		assertThat(UploadPacer.backoff(Duration.ofSeconds(1), 1)).isEqualTo(Duration.ofSeconds(2));
		assertThat(UploadPacer.backoff(Duration.ofSeconds(1), 3)).isEqualTo(Duration.ofSeconds(8));
		assertThat(UploadPacer.backoff(Duration.ofSeconds(1), 4)).isEqualTo(UploadPacer.MAX_BACKOFF);
		assertThat(UploadPacer.backoff(Duration.ofMillis(100), 1_000)).isEqualTo(UploadPacer.MAX_BACKOFF);
	}

	@Test
	void aHealthyReplicaWaitsASyncIntervalForAChangeAFailingOneItsWholeBackoff() {
		assertThat(this.pacer.waitForChange(0)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.pacer.waitsOutBackoff(0)).isFalse();
		assertThat(this.pacer.waitForChange(2)).isEqualTo(Duration.ofSeconds(4));
		assertThat(this.pacer.waitsOutBackoff(2)).isTrue();
	}

	@Test
	void aCommitAfterAQuietSpellGoesAtOnce() {
		assertThat(this.pacer.waitBeforeUpload(Duration.ofMillis(250), 0)).isZero();
		assertThat(this.pacer.waitBeforeUpload(Duration.ofSeconds(5), 0)).isZero();
	}

	@Test
	void underAStreamOfCommitsUploadsComeOncePerSyncInterval() {
		assertThat(this.pacer.waitBeforeUpload(Duration.ofMillis(249), 0)).isEqualTo(Duration.ofMillis(751));
		assertThat(this.pacer.waitBeforeUpload(Duration.ZERO, 0)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void afterFailuresTheBackoffWasTheWait() {
		assertThat(this.pacer.waitBeforeUpload(Duration.ofMillis(10), 1)).isZero();
	}

	private static ReplicaOptions replica(Duration syncInterval) {
		return ReplicaOptions.builder("r").syncInterval(syncInterval).build();
	}

}
