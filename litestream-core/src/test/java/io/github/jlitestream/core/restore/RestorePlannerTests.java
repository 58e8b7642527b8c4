package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.testing.InMemoryReplicaClient;
import io.github.jlitestream.core.testing.MutableClock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Plans restores from listings alone: the objects are a byte each, since planning reads
 * no content. Times are 2026-03-01 and written as the time of day.
 */
class RestorePlannerTests {

	private static final Generation A = new Generation("aaaaaaaaaaaaaaaa");

	private static final Generation B = new Generation("bbbbbbbbbbbbbbbb");

	private static final Generation C = new Generation("cccccccccccccccc");

	private static final Duration SECOND = Duration.ofSeconds(1);

	@TempDir
	Path dir;

	private final MutableClock clock = new MutableClock(at("12:00:00"));

	private final InMemoryReplicaClient store = new InMemoryReplicaClient(this.clock);

	@Test
	void latestIsTheNewestSnapshotOfTheGenerationChangedLastAndTheSegmentsAfterIt() throws IOException {
		snapshot(A, 0, "12:00:00");
		segment(A, 0, 0, "12:00:01");
		segment(A, 1, 0, "12:00:02");
		snapshot(B, 0, "12:00:10");
		segment(B, 0, 0, "12:00:11");
		segment(B, 0, 10, "12:00:12");
		segment(B, 1, 0, "12:00:13");
		snapshot(B, 2, "12:00:14");
		segment(B, 2, 0, "12:00:15");
		segment(B, 2, 10, "12:00:16");
		segment(B, 3, 0, "12:00:17");
		RestorePlan plan = plan(this.store, null, null, null);
		assertThat(plan.generation()).isEqualTo(B);
		assertThat(plan.snapshot().index()).isEqualTo(2);
		assertThat(positions(plan)).containsExactly(new Position(B, 2, 0), new Position(B, 2, 10),
				new Position(B, 3, 0));
		assertThat(plan.cutShort()).isFalse();
		assertThat(plan.updatedAt()).isEqualTo(at("12:00:17"));
		assertThat(plan.roundedDown()).isNull();
	}

	@Test
	void latestFollowsTheLastChangeButATimeTheLastStartBeforeIt() throws IOException {
		snapshot(A, 0, "12:00:00");
		snapshot(B, 0, "12:00:05");
		segment(A, 0, 0, "12:00:10");
		assertThat(plan(this.store, null, null, null).generation()).isEqualTo(A);
		assertThat(plan(this.store, null, at("12:00:20"), null).generation()).isEqualTo(B);
		assertThat(plan(this.store, null, at("12:00:04"), null).generation()).isEqualTo(A);
	}

	@Test
	void timestampTargetTakesTheNewestSnapshotAtOrBeforeItAndTheSegmentsUpToIt() throws IOException {
		snapshot(A, 0, "12:00:00");
		segment(A, 0, 0, "12:00:01");
		segment(A, 0, 10, "12:00:02");
		segment(A, 1, 0, "12:00:03");
		snapshot(A, 2, "12:00:05");
		segment(A, 2, 0, "12:00:06");
		RestorePlan atThird = plan(this.store, null, at("12:00:03"), null);
		assertThat(atThird.snapshot().index()).isZero();
		assertThat(positions(atThird)).containsExactly(new Position(A, 0, 0), new Position(A, 0, 10),
				new Position(A, 1, 0));
		assertThat(atThird.cutShort()).isTrue();
		assertThat(positions(plan(this.store, null, at("12:00:02.999"), null))).containsExactly(new Position(A, 0, 0),
				new Position(A, 0, 10));
		RestorePlan atSecondSnapshot = plan(this.store, null, at("12:00:05"), null);
		assertThat(atSecondSnapshot.snapshot().index()).isEqualTo(2);
		assertThat(atSecondSnapshot.segments()).isEmpty();
		assertThat(atSecondSnapshot.cutShort()).isTrue();
		RestorePlan atLast = plan(this.store, null, at("12:00:06"), null);
		assertThat(positions(atLast)).containsExactly(new Position(A, 2, 0));
		assertThat(atLast.cutShort()).isFalse();
		assertThat(atLast.roundedDown()).isNull();
	}

	@Test
	void targetBeforeTheFirstSnapshotIsNoBackup() throws IOException {
		snapshot(A, 0, "12:00:10");
		segment(A, 0, 0, "12:00:11");
		assertThat(RestorePlanner.plan(this.store, null, at("12:00:09.999"), null)).isEmpty();
		Path output = this.dir.resolve("restored.db");
		assertThatExceptionOfType(NoBackupException.class)
			.isThrownBy(() -> restore(RestoreOptions.builder(output).timestamp(at("12:00:05")).build()))
			.withMessage("No backup to restore in " + this.store.location()
					+ " at or before 2026-03-01T12:00:05Z (no generation with a snapshot)");
		assertThat(output).doesNotExist();
		assertThat(this.dir).isEmptyDirectory();
	}

	@Test
	void listedWithinTheResolutionBeforeTheTargetIsDecidedByTheExactTime() throws IOException {
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, SECOND);
		snapshot(A, 0, "11:59:00");
		segment(A, 0, 0, "12:00:00.200");
		segment(A, 0, 10, "12:00:00.700");
		RestorePlan plan = plan(coarse, null, at("12:00:00.500"), null);
		assertThat(positions(plan)).containsExactly(new Position(A, 0, 0));
		assertThat(plan.cutShort()).isTrue();
		assertThat(plan.roundedDown()).isNull();
	}

	@Test
	void listedWithinTheResolutionWithoutAnExactTimeIsLeftOutAndTheTargetRoundedDown() throws IOException {
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, SECOND);
		snapshot(A, 0, "11:59:00");
		segment(A, 0, 0, "11:59:30");
		WalSegmentInfo boundary = segment(A, 1, 0, "12:00:00.200");
		segment(A, 1, 10, "12:00:00.700");
		coarse.forgetExactTime(ReplicaPaths.key(boundary));
		RestorePlan plan = plan(coarse, null, at("12:00:00.500"), null);
		assertThat(positions(plan)).containsExactly(new Position(A, 0, 0));
		assertThat(plan.roundedDown()).isEqualTo(new RoundedDown(ReplicaPaths.key(boundary), at("12:00:00"), SECOND));
	}

	@Test
	void aSegmentUploadedBeforeOneCreatedAtOrBeforeTheTargetNeedsNoExactTime() throws IOException {
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, SECOND);
		snapshot(A, 0, "11:59:00");
		WalSegmentInfo unknown = segment(A, 0, 0, "12:00:00.200");
		segment(A, 0, 10, "12:00:00.300");
		segment(A, 0, 20, "12:00:00.700");
		coarse.forgetExactTime(ReplicaPaths.key(unknown));
		RestorePlan plan = plan(coarse, null, at("12:00:00.500"), null);
		assertThat(positions(plan)).containsExactly(new Position(A, 0, 0), new Position(A, 0, 10));
		assertThat(plan.roundedDown()).isNull();
	}

	@Test
	void aSegmentAfterTheTargetWithoutAnExactTimeRoundsDownToo() throws IOException {
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, SECOND);
		snapshot(A, 0, "11:59:00");
		segment(A, 0, 0, "12:00:00.200");
		WalSegmentInfo after = segment(A, 0, 10, "12:00:00.700");
		coarse.forgetExactTime(ReplicaPaths.key(after));
		RestorePlan plan = plan(coarse, null, at("12:00:00.500"), null);
		assertThat(positions(plan)).containsExactly(new Position(A, 0, 0));
		assertThat(plan.roundedDown()).isEqualTo(new RoundedDown(ReplicaPaths.key(after), at("12:00:00"), SECOND));
	}

	@Test
	void listedAWholeResolutionBeforeTheTargetNeedsNoExactTime() throws IOException {
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, SECOND);
		snapshot(A, 0, "11:59:00");
		WalSegmentInfo early = segment(A, 0, 0, "11:59:59.900");
		segment(A, 0, 10, "12:00:01");
		coarse.forgetExactTime(ReplicaPaths.key(early));
		RestorePlan plan = plan(coarse, null, at("12:00:00.500"), null);
		assertThat(positions(plan)).containsExactly(new Position(A, 0, 0));
		assertThat(plan.roundedDown()).isNull();
		assertThat(coarse.exactLookups()).isZero();
	}

	@Test
	void segmentsListedWithinTheResolutionAreSearchedByHalves() throws IOException {
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, SECOND);
		snapshot(A, 0, "11:59:00");
		for (int i = 0; i < 16; i++) {
			segment(A, 0, i * 10, "12:00:00.%03d".formatted(i * 50));
		}
		RestorePlan plan = plan(coarse, null, at("12:00:00.420"), null);
		assertThat(plan.segments()).hasSize(9);
		assertThat(plan.segments().get(8).position()).isEqualTo(new Position(A, 0, 80));
		assertThat(plan.roundedDown()).isNull();
		assertThat(coarse.exactLookups()).isLessThanOrEqualTo(5);
	}

	@Test
	void aGenerationStartedWithinTheResolutionWithoutAnExactTimeRoundsTheTargetDown() throws IOException {
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, SECOND);
		snapshot(A, 0, "11:59:00");
		segment(A, 0, 0, "11:59:30");
		SnapshotInfo uncertain = snapshot(B, 0, "12:00:00.700");
		coarse.forgetExactTime(ReplicaPaths.key(uncertain));
		RestorePlan plan = plan(coarse, null, at("12:00:00.500"), null);
		assertThat(plan.generation()).isEqualTo(A);
		assertThat(positions(plan)).containsExactly(new Position(A, 0, 0));
		assertThat(plan.roundedDown()).isEqualTo(new RoundedDown(ReplicaPaths.key(uncertain), at("12:00:00"), SECOND));
	}

	@Test
	void aGenerationStartedWithinTheResolutionAfterTheTargetIsLeftOutByItsExactTime() throws IOException {
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, SECOND);
		snapshot(A, 0, "11:59:00");
		snapshot(B, 0, "12:00:00.700");
		RestorePlan plan = plan(coarse, null, at("12:00:00.500"), null);
		assertThat(plan.generation()).isEqualTo(A);
		assertThat(plan.roundedDown()).isNull();
		assertThat(plan(coarse, null, at("12:00:00.700"), null).generation()).isEqualTo(B);
	}

	@Test
	void indexTargetTakesTheNewestSnapshotAtOrBeforeItAndTheSegmentsUpToIt() throws IOException {
		snapshot(A, 0, "12:00:00");
		segment(A, 0, 0, "12:00:01");
		segment(A, 1, 0, "12:00:02");
		segment(A, 1, 10, "12:00:03");
		snapshot(A, 2, "12:00:04");
		segment(A, 2, 0, "12:00:05");
		segment(A, 3, 0, "12:00:06");
		RestorePlan toFirst = plan(this.store, null, null, 1L);
		assertThat(toFirst.snapshot().index()).isZero();
		assertThat(positions(toFirst)).containsExactly(new Position(A, 0, 0), new Position(A, 1, 0),
				new Position(A, 1, 10));
		assertThat(toFirst.cutShort()).isTrue();
		RestorePlan toSecond = plan(this.store, null, null, 2L);
		assertThat(toSecond.snapshot().index()).isEqualTo(2);
		assertThat(positions(toSecond)).containsExactly(new Position(A, 2, 0));
		assertThat(toSecond.cutShort()).isTrue();
		RestorePlan toLast = plan(this.store, null, null, 3L);
		assertThat(positions(toLast)).containsExactly(new Position(A, 2, 0), new Position(A, 3, 0));
		assertThat(toLast.cutShort()).isFalse();
	}

	@Test
	void anExplicitGenerationIsPlannedThoughAnotherIsNewer() throws IOException {
		snapshot(A, 0, "12:00:00");
		segment(A, 0, 0, "12:00:01");
		snapshot(B, 0, "12:00:10");
		segment(B, 0, 0, "12:00:11");
		RestorePlan plan = plan(this.store, A, null, null);
		assertThat(plan.generation()).isEqualTo(A);
		assertThat(positions(plan)).containsExactly(new Position(A, 0, 0));
		assertThat(plan.updatedAt()).isEqualTo(at("12:00:01"));
		assertThat(RestorePlanner.plan(this.store, C, null, null)).isEmpty();
	}

	@Test
	void anEmptyReplicaIsNoBackup() throws IOException {
		assertThat(RestorePlanner.plan(this.store, null, null, null)).isEmpty();
		assertThatExceptionOfType(NoBackupException.class)
			.isThrownBy(() -> restore(RestoreOptions.latest(this.dir.resolve("restored.db"))))
			.withMessage("No backup to restore in " + this.store.location() + " (no generation with a snapshot)");
		assertThatExceptionOfType(NoBackupException.class).isThrownBy(
				() -> restore(RestoreOptions.builder(this.dir.resolve("restored.db")).generation(C).index(5L).build()))
			.withMessage("No backup to restore in " + this.store.location()
					+ " for generation cccccccccccccccc up to WAL index 00000005 (no generation with a snapshot)");
	}

	@Test
	void theNewestGenerationWithoutASnapshotIsRefusedForTheLatestState() throws IOException {
		snapshot(A, 0, "12:00:00");
		segment(A, 0, 0, "12:00:01");
		segment(C, 0, 0, "12:00:05");
		assertThatExceptionOfType(CorruptReplicaException.class)
			.isThrownBy(() -> RestorePlanner.plan(this.store, null, null, null))
			.withMessageContaining("generation cccccccccccccccc is the newest in the replica but has no snapshot")
			.satisfies((ex) -> assertThat(ex.objectKey()).isEqualTo(ReplicaPaths.snapshotsDir(C) + "/"));
		assertThat(plan(this.store, null, at("12:00:10"), null).generation()).isEqualTo(A);
		assertThat(plan(this.store, null, null, 0L).generation()).isEqualTo(A);
		segment(A, 1, 0, "12:00:06");
		assertThat(plan(this.store, null, null, null).generation()).isEqualTo(A);
	}

	@Test
	void aMissingWalIndexIsRefused() throws IOException {
		snapshot(A, 0, "12:00:00");
		segment(A, 0, 0, "12:00:01");
		segment(A, 2, 0, "12:00:02");
		assertThatExceptionOfType(CorruptReplicaException.class)
			.isThrownBy(() -> RestorePlanner.plan(this.store, null, null, null))
			.withMessageEndingWith("missing: WAL index 00000001 has no segments, but index 00000002 does")
			.satisfies((ex) -> assertThat(ex.objectKey())
				.isEqualTo(ReplicaPaths.walDir(A) + "/" + ReplicaPaths.walSegmentName(1, 0)));
		assertThat(positions(plan(this.store, null, null, 1L))).containsExactly(new Position(A, 0, 0));
	}

	@Test
	void theSegmentsStartAtTheSnapshotsIndex() throws IOException {
		snapshot(A, 2, "12:00:00");
		segment(A, 3, 0, "12:00:01");
		assertThatExceptionOfType(CorruptReplicaException.class)
			.isThrownBy(() -> RestorePlanner.plan(this.store, null, null, null))
			.withMessageEndingWith("missing: WAL index 00000002 has no segments, but index 00000003 does");
	}

	@Test
	void aWalIndexWithoutItsFirstSegmentIsRefused() throws IOException {
		snapshot(A, 0, "12:00:00");
		segment(A, 0, 0, "12:00:01");
		segment(A, 1, 10, "12:00:02");
		assertThatExceptionOfType(CorruptReplicaException.class)
			.isThrownBy(() -> RestorePlanner.plan(this.store, null, null, null))
			.withMessageEndingWith(
					"missing: the first segment of WAL index 00000001 (the next one starts at offset 10)")
			.satisfies((ex) -> assertThat(ex.objectKey())
				.isEqualTo(ReplicaPaths.walDir(A) + "/" + ReplicaPaths.walSegmentName(1, 0)));
	}

	@Test
	void generationsChangedWithinTheResolutionAreOrderedByTheirExactStarts() throws IOException {
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, SECOND);
		// The listing ties, and the ids would pick B; A was started last.
		snapshot(B, 0, "12:00:00.100");
		snapshot(A, 0, "12:00:00.600");
		assertThat(plan(coarse, null, null, null).generation()).isEqualTo(A);
		assertThat(plan(coarse, null, at("12:00:05"), null).generation()).isEqualTo(A);
	}

	@Test
	void generationsWithinTheResolutionAreRefusedWhenOneRecordsNoExactTime() throws IOException {
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, SECOND);
		snapshot(B, 0, "12:00:00.100");
		SnapshotInfo unknown = snapshot(A, 0, "12:00:00.600");
		coarse.forgetExactTime(ReplicaPaths.key(unknown));
		assertThatExceptionOfType(CorruptReplicaException.class)
			.isThrownBy(() -> RestorePlanner.plan(coarse, null, null, null))
			.withMessageContaining("generations bbbbbbbbbbbbbbbb and aaaaaaaaaaaaaaaa are listed within the store's "
					+ "timestamp resolution (1000 ms) of each other and aaaaaaaaaaaaaaaa records no exact time")
			.satisfies((ex) -> assertThat(ex.objectKey()).isEqualTo(ReplicaPaths.snapshotsDir(A) + "/"));
		assertThat(plan(coarse, A, null, null).generation()).isEqualTo(A);
	}

	@Test
	void aKnownExactStartAfterTheOthersListedTimeAndResolutionDecides() throws IOException {
		// Times listed in whole seconds but good to 1.5 s only: listings a second apart
		// are within the resolution.
		CoarseReplicaClient coarse = new CoarseReplicaClient(this.store, Duration.ofMillis(1500));
		SnapshotInfo unknown = snapshot(B, 0, "12:00:00.100");
		snapshot(A, 0, "12:00:01.700");
		coarse.forgetExactTime(ReplicaPaths.key(unknown));
		assertThat(plan(coarse, null, at("12:00:05"), null).generation()).isEqualTo(A);
	}

	private SnapshotInfo snapshot(Generation generation, long index, String time) throws IOException {
		this.clock.set(at(time));
		return this.store.writeSnapshot(generation, index, Compression.LZ4, ObjectContent.of(new byte[] { 1 }));
	}

	private WalSegmentInfo segment(Generation generation, long index, long offset, String time) throws IOException {
		this.clock.set(at(time));
		return this.store.writeWalSegment(generation, index, offset, Compression.LZ4,
				ObjectContent.of(new byte[] { 1 }));
	}

	private RestoreResult restore(RestoreOptions options) throws IOException {
		return Restorer.restoreFrom(List.of(new Restorer.Source(this.store, new Lz4FrameCodec())), options,
				RestoreProgress.NONE);
	}

	private static RestorePlan plan(ReplicaClient client, @Nullable Generation generation, @Nullable Instant timestamp,
			@Nullable Long index) throws IOException {
		Optional<RestorePlan> plan = RestorePlanner.plan(client, generation, timestamp, index);
		assertThat(plan).isPresent();
		return plan.get();
	}

	private static List<Position> positions(RestorePlan plan) {
		return plan.segments().stream().map(WalSegmentInfo::position).toList();
	}

	private static Instant at(String time) {
		return Instant.parse("2026-03-01T" + time + "Z");
	}

}
