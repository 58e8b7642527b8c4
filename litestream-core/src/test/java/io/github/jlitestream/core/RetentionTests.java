package io.github.jlitestream.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Lz4Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention deletes what falls out of the window and keeps what a restore inside it
 * needs. Object times are the files' modification times, which the tests move into the
 * past.
 */
class RetentionTests {

	private static final Instant NOW = Instant.now();

	@TempDir
	Path dir;

	@Test
	void keepsTheSnapshotThatTheStartOfTheWindowNeeds() throws Exception {
		Path replicaDir = this.dir.resolve("replica");
		FileReplicaClient client = new FileReplicaClient(replicaDir);
		try (Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			harness.sync();
			assertThat(harness.replica().snapshot()).isTrue();
			harness.execute("INSERT INTO t VALUES ('b')");
			harness.sync();
			assertThat(harness.replica().snapshot()).isTrue();
			harness.execute("INSERT INTO t VALUES ('c')");
			harness.sync();
			Generation generation = harness.database().position().generation();
			// Each snapshot starts a WAL index (and the write after a snapshot may
			// restart the WAL once more).
			List<Long> indexes = client.snapshots(generation).stream().map(SnapshotInfo::index).toList();
			assertThat(indexes).hasSize(3).first().isEqualTo(0L);
			assertStorageMatchesStore(harness);
			for (long index = indexes.get(0); index < indexes.get(2); index++) {
				age(replicaDir, generation, index, Duration.ofHours((index < indexes.get(1)) ? 30 : 25));
			}
			// An old generation, last written two days ago.
			Generation old = new Generation("00000000000000aa");
			copyGeneration(replicaDir, generation, old, NOW.minus(Duration.ofDays(2)));

			harness.replica().enforceRetention();

			assertThat(client.generations()).containsExactly(generation);
			assertThat(client.snapshots(generation)).extracting(SnapshotInfo::index)
				.containsExactly(indexes.get(1), indexes.get(2));
			assertStorageMatchesStore(harness);
			assertThat(harness.replica().storage().earliestRestorableAt())
				.isEqualTo(client.snapshots(generation).get(0).createdAt());
			assertThat(client.walSegments(generation)).extracting(WalSegmentInfo::index)
				.allSatisfy((index) -> assertThat(index).isGreaterThanOrEqualTo(indexes.get(1)))
				.contains(indexes.get(1), indexes.get(2));
			// The start of the window (24 h ago) is still restorable, from snapshot 1.
			Path atStart = this.dir.resolve("start.db");
			harness.restore(RestoreOptions.builder(atStart).timestamp(NOW.minus(Duration.ofHours(24))).build());
			assertThat(Sql.dump(atStart).get("t")).containsExactly("a", "b");
			Path latest = this.dir.resolve("latest.db");
			harness.restore(RestoreOptions.latest(latest));
			assertThat(Sql.dump(latest).get("t")).containsExactly("a", "b", "c");
		}
	}

	@Test
	void snapshotsWhenNoneIsInsideTheWindow() throws Exception {
		Path replicaDir = this.dir.resolve("replica");
		FileReplicaClient client = new FileReplicaClient(replicaDir);
		try (Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			harness.sync();
			Generation generation = harness.database().position().generation();
			age(replicaDir, generation, 0, Duration.ofHours(25));
			harness.replica().enforceRetention();
			// A new snapshot inside the window; snapshot 0 is the newest before it, kept
			// for the window's start.
			assertThat(client.snapshots(generation)).extracting(SnapshotInfo::index).containsExactly(0L, 1L);
			harness.replica().enforceRetention();
			assertThat(client.snapshots(generation)).hasSize(2);
		}
	}

	/** The replica's storage figures equal the sum over a fresh listing of the store. */
	private static void assertStorageMatchesStore(Harness harness) throws Exception {
		long bytes = 0;
		long objects = 0;
		for (Generation generation : harness.client().generations()) {
			for (SnapshotInfo snapshot : harness.client().snapshots(generation)) {
				bytes += snapshot.size();
				objects++;
			}
			for (WalSegmentInfo segment : harness.client().walSegments(generation)) {
				bytes += segment.size();
				objects++;
			}
		}
		assertThat(harness.replica().storage().bytes()).isEqualTo(bytes);
		assertThat(harness.replica().storage().objects()).isEqualTo(objects);
	}

	/**
	 * Moves the modification time of every object of a WAL index (snapshot and segments)
	 * into the past.
	 */
	private static void age(Path replicaDir, Generation generation, long index, Duration age) throws Exception {
		FileTime time = FileTime.from(NOW.minus(age));
		Path snapshot = replicaDir.resolve(Lz4Objects.snapshotKey(generation, index));
		if (Files.exists(snapshot)) {
			Files.setLastModifiedTime(snapshot, time);
		}
		try (var files = Files.list(replicaDir.resolve(ReplicaPaths.walDir(generation)))) {
			for (Path file : files.toList()) {
				var name = ReplicaPaths.parseWalSegmentName(file.getFileName().toString());
				if (name.isPresent() && name.get().index() == index) {
					Files.setLastModifiedTime(file, time);
				}
			}
		}
	}

	private static void copyGeneration(Path replicaDir, Generation from, Generation to, Instant time) throws Exception {
		Path source = replicaDir.resolve(ReplicaPaths.generationDir(from));
		Path target = replicaDir.resolve(ReplicaPaths.generationDir(to));
		try (var paths = Files.walk(source)) {
			for (Path path : paths.toList()) {
				Path copy = target.resolve(source.relativize(path).toString());
				if (Files.isDirectory(path)) {
					Files.createDirectories(copy);
				}
				else {
					Files.copy(path, copy);
					Files.setLastModifiedTime(copy, FileTime.from(time));
				}
			}
		}
	}

}
