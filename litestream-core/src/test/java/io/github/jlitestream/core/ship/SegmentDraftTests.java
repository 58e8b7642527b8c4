package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Segments encoded ahead ({@link Replica#prepare()}) while commits arrive must upload
 * exactly what an upload that encodes everything at once would: one object per WAL index
 * from the position to the end, restorable row for row.
 */
class SegmentDraftTests {

	@TempDir
	Path dir;

	@ParameterizedTest
	@EnumSource(Compression.class)
	void aSegmentEncodedAheadInStepsRestoresEveryRow(Compression compression) throws Exception {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		ObjectCodec codec = new ReplicaCodec(compression, 3, new Encryption(key, List.of()));
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("replica"));
		try (Harness harness = new Harness(this.dir.resolve("app.db"), client,
				DatabaseOptions.builder(this.dir.resolve("app.db"))
					.minCheckpointPageCount(100_000)
					.maxCheckpointPageCount(0)
					.truncatePageCount(0)
					.build(),
				Clock.systemUTC(), codec)) {
			harness.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
			harness.sync();
			// The first write after the generation's snapshot restarts the fully
			// backfilled WAL: a new index.
			insert(harness, 1_000_000, 1);
			harness.sync();
			Position before = harness.replica().position();
			for (int step = 0; step < 4; step++) {
				// about 400 KB of WAL: more than one step of encoding ahead
				insert(harness, 100 * step, 100);
				harness.database().sync();
				harness.replica().prepare();
				assertThat(harness.replica().preparedUpTo()).as("encoded ahead up to the shadow WAL's end")
					.isEqualTo(harness.database().position().offset());
			}
			// committed after the last step: the upload encodes only these
			insert(harness, 400, 7);
			harness.sync();

			assertThat(harness.replica().position()).isEqualTo(harness.database().position());
			List<WalSegmentInfo> segments = client.walSegments(before.generation())
				.stream()
				.filter((s) -> s.index() == before.index() && s.offset() >= before.offset())
				.toList();
			assertThat(segments).as("one upload, one object").hasSize(1);
			assertThat(segments.get(0).offset()).isEqualTo(before.offset());
			RestoreResult restored = harness.restore(RestoreOptions.latest(this.dir.resolve("restored.db")));
			assertThat(restored.position()).isEqualTo(harness.database().position());
			assertThat(Sql.dump(this.dir.resolve("restored.db"))).isEqualTo(Sql.dump(harness.app()));
			assertThat(Sql.count(this.dir.resolve("restored.db"), "t")).isEqualTo(408);
		}
	}

	@Test
	void aDraftOfAnIndexThatEndedUploadsItsTailAndTheNextIndexGetsItsOwnObject() throws Exception {
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("replica"));
		try (Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
			harness.sync();
			// The first write after the generation's snapshot restarts the fully
			// backfilled WAL: a new index.
			insert(harness, 1_000_000, 1);
			harness.sync();
			Position before = harness.replica().position();
			insert(harness, 0, 100);
			harness.database().sync();
			harness.replica().prepare();
			insert(harness, 100, 10);
			assertThat(harness.database().checkpoint(CheckpointMode.RESTART)).as("a new WAL index").isTrue();
			insert(harness, 110, 10);
			harness.sync();

			Position end = harness.database().position();
			assertThat(end.index()).isEqualTo(before.index() + 1);
			assertThat(harness.replica().position()).isEqualTo(end);
			RestoreResult restored = harness.restore(RestoreOptions.latest(this.dir.resolve("restored.db")));
			assertThat(restored.position()).isEqualTo(end);
			assertThat(Sql.count(this.dir.resolve("restored.db"), "t")).isEqualTo(121);
		}
	}

	@Test
	void aFailedUploadDropsItsDraftAndTheRetryEncodesEverythingAgain() throws Exception {
		Path store = this.dir.resolve("replica");
		FileReplicaClient client = new FileReplicaClient(store);
		try (Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
			harness.sync();
			// The first write after the generation's snapshot restarts the fully
			// backfilled WAL: a new index.
			insert(harness, 1_000_000, 1);
			harness.sync();
			Position before = harness.replica().position();
			insert(harness, 0, 100);
			harness.database().sync();
			harness.replica().prepare();
			// The store refuses the upload: its wal directory is a file for a while.
			Path wal = store.resolve("generations").resolve(before.generation().toString()).resolve("wal");
			Path aside = this.dir.resolve("wal-aside");
			Files.move(wal, aside);
			Files.writeString(wal, "not a directory");
			insert(harness, 100, 5);
			assertThatExceptionOfType(IOException.class).isThrownBy(harness::sync);
			Files.delete(wal);
			Files.move(aside, wal);
			harness.sync();

			Position end = harness.database().position();
			assertThat(harness.replica().position()).isEqualTo(end);
			RestoreResult restored = harness.restore(RestoreOptions.latest(this.dir.resolve("restored.db")));
			assertThat(restored.position()).isEqualTo(end);
			assertThat(Sql.dump(this.dir.resolve("restored.db"))).isEqualTo(Sql.dump(harness.app()));
			assertThat(Sql.count(this.dir.resolve("restored.db"), "t")).isEqualTo(106);
		}
	}

	/** Rows of 4000 random bytes: about a page of WAL each, and incompressible. */
	private static void insert(Harness harness, int from, int count) throws Exception {
		for (int i = 0; i < count; i++) {
			harness.execute("INSERT INTO t (id, v) VALUES (" + (from + i) + ", randomblob(4000))");
		}
	}

}
