package io.github.jlitestream.core.ship;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.LitestreamBinary;
import io.github.jlitestream.core.testing.MutableClock;
import io.github.jlitestream.core.util.Failpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Compaction of complete WAL indexes older than the compaction age: each index's segments
 * become one object with the last version of each page, restored to the same rows by this
 * project and by Litestream v0.3.13 at every step of the switch (replaced, older segments
 * still listed, then deleted), after a crash between the steps, and while restores run in
 * a loop.
 */
class CompactionTests {

	private static final Duration AGE = Duration.ofHours(1);

	@TempDir
	Path dir;

	private final MutableClock clock = new MutableClock(Instant.now());

	@AfterEach
	void removeFailpoints() {
		Failpoints.set(null);
	}

	@Test
	void compactedIndexesRestoreToTheSameRowsByThisProjectAndByLitestreamAtEveryStep() throws Exception {
		Path replicaDir = this.dir.resolve("replica");
		try (Harness harness = harness(replicaDir, ReplicaCodec.litestream())) {
			writeIndexes(harness, 4);
			Map<String, List<String>> expected = Sql.dump(harness.app());
			long objectsBefore = walObjects(replicaDir).size();
			long bytesBefore = walBytes(replicaDir);
			assertThat(harness.replica().compact()).as("no index is old enough yet").isFalse();
			assertRestores(harness, replicaDir, expected);

			this.clock.advance(AGE.plusMinutes(1));
			// every complete index replaced; their older segments wait for the grace
			while (compactOne(harness) > 0) {
				assertRestores(harness, replicaDir, expected);
			}
			assertThat(walObjects(replicaDir)).hasSize((int) objectsBefore);
			assertRestores(harness, replicaDir, expected);

			this.clock.advance(AGE.dividedBy(2));
			while (harness.replica().compact()) {
				// deletes one index's older segments per call
			}
			Position current = harness.database().position();
			for (long index = 0; index < current.index(); index++) {
				assertThat(segmentsOf(replicaDir, index)).as("index %d", index).hasSize(1);
			}
			assertThat(walObjects(replicaDir).size()).isLessThan((int) objectsBefore / 4);
			assertThat(walBytes(replicaDir)).isLessThan(bytesBefore / 4);
			assertRestores(harness, replicaDir, expected);
			System.out.printf("compaction: %d WAL objects, %d bytes -> %d objects, %d bytes%n", objectsBefore,
					bytesBefore, walObjects(replicaDir).size(), walBytes(replicaDir));
		}
	}

	@Test
	void aPointInTimeBeyondTheCompactionAgeIsRoundedDownToTheEndOfAnIndexByUsAndByLitestream() throws Exception {
		Path replicaDir = this.dir.resolve("replica");
		try (Harness harness = harness(replicaDir, ReplicaCodec.litestream())) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('x0')");
			harness.sync();
			harness.database().checkpoint(CheckpointMode.RESTART);
			harness.execute("INSERT INTO t VALUES ('a1')");
			harness.sync();
			Instant insideA = pause();
			harness.execute("INSERT INTO t VALUES ('a2')");
			harness.sync();
			Instant afterA = pause();
			harness.database().checkpoint(CheckpointMode.RESTART);
			harness.execute("INSERT INTO t VALUES ('b1')");
			harness.sync();
			Instant insideB = pause();
			harness.execute("INSERT INTO t VALUES ('b2')");
			harness.sync();
			pause();
			harness.database().checkpoint(CheckpointMode.RESTART);
			harness.execute("INSERT INTO t VALUES ('c1')");
			harness.sync();
			// inside the compaction age: every commit
			assertThat(rowsAt(harness, replicaDir, insideA)).containsExactlyInAnyOrder("x0", "a1");
			assertThat(rowsAt(harness, replicaDir, insideB)).containsExactlyInAnyOrder("x0", "a1", "a2", "b1");

			this.clock.advance(AGE.plusMinutes(1));
			while (harness.replica().compact()) {
				this.clock.advance(AGE);
			}
			assertThat(segmentsOf(replicaDir, 1)).hasSize(1);
			// beyond it: a target inside a compacted index gets the end of the index
			// before; a target after an index's last commit gets all of it
			assertThat(rowsAt(harness, replicaDir, insideA, 1L)).containsExactly("x0");
			// (index 2 restores only whole, and ends after the target: the result says
			// so,
			// though none of its commits came before it)
			assertThat(rowsAt(harness, replicaDir, afterA, 2L)).containsExactlyInAnyOrder("x0", "a1", "a2");
			assertThat(rowsAt(harness, replicaDir, insideB, 2L)).containsExactlyInAnyOrder("x0", "a1", "a2");
		}
	}

	@ParameterizedTest
	@EnumSource(Compression.class)
	void encryptedReplicasCompactWithTheObjectKeyAsAssociatedData(Compression compression) throws Exception {
		Path replicaDir = this.dir.resolve("replica");
		ObjectCodec codec = new ReplicaCodec(compression, 3, new Encryption(new byte[32], List.of()));
		try (Harness harness = harness(replicaDir, codec)) {
			writeIndexes(harness, 3);
			Map<String, List<String>> expected = Sql.dump(harness.app());
			this.clock.advance(AGE.plusMinutes(1));
			while (compactOne(harness) > 0) {
				// replace every complete index
			}
			this.clock.advance(AGE);
			while (harness.replica().compact()) {
				// and delete what they replaced
			}
			assertThat(segmentsOf(replicaDir, 1)).hasSize(1);
			assertThat(restore(harness)).isEqualTo(expected);
		}
	}

	@Test
	void aCrashBetweenTheReplaceAndTheDeletesIsFinishedByTheNextEngine() throws Exception {
		Path replicaDir = this.dir.resolve("replica");
		try (Harness harness = harness(replicaDir, ReplicaCodec.litestream())) {
			writeIndexes(harness, 3);
			Map<String, List<String>> expected = Sql.dump(harness.app());
			this.clock.advance(AGE.plusMinutes(1));
			// a crash before the replace leaves the index as it was
			Failpoints.set(crashAt(Failpoints.COMPACTION_REPLACE));
			assertThatExceptionOfType(LitestreamException.class).isThrownBy(() -> harness.replica().compact());
			assertThat(segmentsOf(replicaDir, 1).size()).isGreaterThan(1);
			assertRestores(harness, replicaDir, expected);
			Failpoints.set(null);
			while (compactOne(harness) > 0) {
				// replace every complete index
			}
			this.clock.advance(AGE);
			Failpoints.set(crashAt(Failpoints.COMPACTION_DELETE));
			assertThatExceptionOfType(LitestreamException.class).isThrownBy(() -> harness.replica().compact());
			Failpoints.set(null);
			assertRestores(harness, replicaDir, expected);
			// a new engine knows nothing of the compaction: it finds the compacted
			// segment by its header, and deletes the older ones after a grace of its own
			harness.reopenEngine(options());
			harness.sync();
			while (harness.replica().compact()) {
				// finds every compacted index
			}
			assertThat(segmentsOf(replicaDir, 1).size()).as("the grace starts again").isGreaterThan(1);
			this.clock.advance(AGE);
			while (harness.replica().compact()) {
				// deletes
			}
			assertThat(segmentsOf(replicaDir, 1)).hasSize(1);
			assertRestores(harness, replicaDir, expected);
		}
	}

	/**
	 * When the store's newest segment is a compacted index's (the next index's first
	 * segment did not reach the store before a crash), a new engine resumes after it: its
	 * frames differ from the local shadow WAL's by design and must not pass for another
	 * writer's.
	 */
	@Test
	void anEngineResumesAfterACompactedIndexThatIsTheStoresNewest() throws Exception {
		Path replicaDir = this.dir.resolve("replica");
		try (Harness harness = harness(replicaDir, ReplicaCodec.litestream())) {
			writeIndexes(harness, 2);
			this.clock.advance(AGE.plusMinutes(1));
			while (harness.replica().compact()) {
				this.clock.advance(AGE);
			}
			Position current = harness.database().position();
			for (Path file : walObjects(replicaDir)) {
				if (file.getFileName().toString().startsWith("%08x_".formatted(current.index()))) {
					Files.delete(file);
				}
			}
			harness.reopenEngine(options());
			harness.execute("INSERT INTO log VALUES ('after the restart')");
			harness.sync();
			assertThat(harness.replica().position()).isEqualTo(harness.database().position());
			assertRestores(harness, replicaDir, Sql.dump(harness.app()));
		}
	}

	@Test
	void restoresInALoopDuringCompactionAlwaysReturnTheSameState() throws Exception {
		Path replicaDir = this.dir.resolve("replica");
		try (Harness harness = harness(replicaDir, ReplicaCodec.litestream())) {
			writeIndexes(harness, 8);
			Map<String, List<String>> expected = Sql.dump(harness.app());
			this.clock.advance(AGE.plusMinutes(1));
			AtomicBoolean compacting = new AtomicBoolean(true);
			List<String> wrong = new ArrayList<>();
			Thread restorer = new Thread(() -> {
				int round = 0;
				while (compacting.get()) {
					try {
						Map<String, List<String>> restored = restore(harness);
						if (!restored.equals(expected)) {
							wrong.add("restore " + round + " returned other rows");
						}
					}
					catch (Exception ex) {
						wrong.add("restore " + round + " failed: " + ex);
					}
					round++;
				}
			});
			restorer.start();
			int litestreamRestores = 0;
			try {
				while (compactOne(harness) > 0 || harness.replica().compact()) {
					Path out = this.dir.resolve("litestream-" + litestreamRestores++ + ".db");
					LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 120, "restore", "-o",
							out.toString(), replicaDir.toUri().toString());
					assertThat(result.exitCode()).as(result.output()).isZero();
					assertThat(Sql.dump(out)).isEqualTo(expected);
					this.clock.advance(AGE.dividedBy(4));
				}
			}
			finally {
				compacting.set(false);
				restorer.join();
			}
			assertThat(wrong).isEmpty();
			assertThat(segmentsOf(replicaDir, 1)).hasSize(1);
			assertThat(litestreamRestores).isGreaterThan(8);
		}
	}

	/**
	 * The rows of {@code t} restored at {@code target} by this project, checked to be
	 * those Litestream v0.3.13 restores there.
	 */
	private List<String> rowsAt(Harness harness, Path replicaDir, Instant target) throws Exception {
		return rowsAt(harness, replicaDir, target, null);
	}

	/**
	 * As above, with the compacted index the result names the target in (null: none).
	 */
	private List<String> rowsAt(Harness harness, Path replicaDir, Instant target, Long compactedIndex)
			throws Exception {
		Path ours = this.dir.resolve("at-" + System.nanoTime() + ".db");
		RestoreResult restored = harness.restore(RestoreOptions.builder(ours).timestamp(target).build());
		assertThat(restored.compactedIndex()).isEqualTo(compactedIndex);
		Path theirs = this.dir.resolve("litestream-at-" + System.nanoTime() + ".db");
		LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 120, "restore", "-timestamp", target.toString(),
				"-o", theirs.toString(), replicaDir.toUri().toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(Sql.dump(theirs)).as("restored by Litestream at " + target).isEqualTo(Sql.dump(ours));
		return Sql.dump(ours).get("t");
	}

	/** A moment between two uploads, well apart from both. */
	private static Instant pause() throws InterruptedException {
		Thread.sleep(30);
		Instant now = Instant.now();
		Thread.sleep(30);
		return now;
	}

	/** Stops the engine's work at {@code failpoint}, as a crash there would. */
	private static Consumer<String> crashAt(String failpoint) {
		return (name) -> {
			if (name.equals(failpoint)) {
				throw new LitestreamException("crash at " + failpoint + " (injected)");
			}
		};
	}

	private Harness harness(Path replicaDir, ObjectCodec codec) throws Exception {
		Path db = this.dir.resolve("app.db");
		Harness harness = new Harness(db, new FileReplicaClient(replicaDir), DatabaseOptions.of(db), this.clock, codec);
		harness.reopenEngine(options());
		return harness;
	}

	private static ReplicaOptions options() {
		return ReplicaOptions.builder("r").compactionAge(AGE).build();
	}

	/**
	 * WAL indexes of hot-row updates, each uploaded in many segments, and one more index
	 * in progress.
	 */
	private static void writeIndexes(Harness harness, int indexes) throws Exception {
		harness.execute("CREATE TABLE hot (id INTEGER PRIMARY KEY, v TEXT)", "CREATE TABLE log (v TEXT)");
		for (int i = 0; i < 20; i++) {
			harness.execute("INSERT INTO hot (v) VALUES ('row " + i + "')");
		}
		harness.sync();
		for (int index = 0; index < indexes; index++) {
			for (int i = 0; i < 60; i++) {
				harness.execute("UPDATE hot SET v = 'index " + index + " update " + i + "' WHERE id = " + (1 + i % 20));
				if (i % 15 == 0) {
					harness.execute("INSERT INTO log VALUES ('" + "x".repeat(2000) + index + "/" + i + "')");
				}
				if (i % 6 == 0) {
					harness.sync();
				}
			}
			harness.sync();
			harness.database().checkpoint(CheckpointMode.RESTART);
			harness.execute("UPDATE hot SET v = 'first of the next index' WHERE id = 1");
			harness.sync();
		}
	}

	/** Compacts one index; returns how many it compacted (0 when none was left). */
	private static int compactOne(Harness harness) throws Exception {
		List<String> before = keys(harness);
		if (!harness.replica().compact()) {
			return 0;
		}
		return before.equals(keys(harness)) ? compactOne(harness) : 1;
	}

	private static List<String> keys(Harness harness) throws Exception {
		Position at = harness.database().position();
		return harness.client()
			.walSegments(at.generation())
			.stream()
			.map((s) -> s.index() + "/" + s.offset() + "/" + s.size() + "/" + s.createdAt())
			.sorted()
			.toList();
	}

	private void assertRestores(Harness harness, Path replicaDir, Map<String, List<String>> expected) throws Exception {
		assertThat(restore(harness)).isEqualTo(expected);
		Path out = this.dir.resolve("litestream-" + System.nanoTime() + ".db");
		LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 120, "restore", "-o", out.toString(),
				replicaDir.toUri().toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(Sql.dump(out)).isEqualTo(expected);
		assertThat(Sql.integrityCheck(out)).isEqualTo("ok");
	}

	private Map<String, List<String>> restore(Harness harness) throws Exception {
		Path out = this.dir.resolve("restored-" + System.nanoTime() + ".db");
		harness.restore(RestoreOptions.latest(out));
		assertThat(Sql.integrityCheck(out)).isEqualTo("ok");
		return Sql.dump(out);
	}

	private static List<Path> walObjects(Path replicaDir) throws Exception {
		try (Stream<Path> files = Files.walk(replicaDir)) {
			return files.filter((f) -> f.getFileName().toString().contains(".wal")).toList();
		}
	}

	private static long walBytes(Path replicaDir) throws Exception {
		long total = 0;
		for (Path file : walObjects(replicaDir)) {
			total += Files.size(file);
		}
		return total;
	}

	private static Set<Long> segmentsOf(Path replicaDir, long index) throws Exception {
		Set<Long> offsets = new TreeSet<>();
		String prefix = "%08x_".formatted(index);
		for (Path file : walObjects(replicaDir)) {
			String name = file.getFileName().toString();
			if (name.startsWith(prefix)) {
				offsets.add(Long.parseLong(name.substring(9, 17), 16));
			}
		}
		return offsets;
	}

}
