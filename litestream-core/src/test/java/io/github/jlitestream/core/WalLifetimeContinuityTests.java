package io.github.jlitestream.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Lz4Objects;
import io.github.jlitestream.core.wal.FrameChain;
import io.github.jlitestream.core.wal.WalHeader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Restore refuses a generation whose WAL indexes skip a lifetime of the WAL, or hold one
 * lifetime twice (audit finding #2: every other check passes and the restored database
 * silently lacks the skipped transactions). The lifetimes are real: SQLite writes them
 * into one database's WAL, restarted by {@code wal_checkpoint(RESTART)}, and each is
 * copied as it stands before the next restart.
 */
class WalLifetimeContinuityTests {

	@TempDir
	Path dir;

	private final ReplicaCodec codec = ReplicaCodec.litestream();

	private final Generation generation = Generation.random();

	private FileReplicaClient client;

	private byte[] snapshot;

	/**
	 * Lifetimes 1 to 4 (each restarted from the previous), then 5, in a WAL SQLite
	 * deleted and created anew.
	 */
	private final List<byte[]> lifetimes = new ArrayList<>();

	@BeforeEach
	void writeLifetimes() throws Exception {
		this.client = new FileReplicaClient(this.dir.resolve("replica"));
		Files.createDirectories(this.dir.resolve("out"));
		Path database = this.dir.resolve("app.db");
		Path wal = this.dir.resolve("app.db-wal");
		Connection app = Sql.connect(database);
		try {
			// No checkpoints but the test's own; a restarted WAL is cut to its new
			// lifetime, so a copy of the file holds that lifetime alone rather than the
			// old one's frames after it.
			Sql.execute(app, "PRAGMA wal_autocheckpoint = 0", "PRAGMA journal_size_limit = 0",
					"CREATE TABLE t (v TEXT)", "PRAGMA wal_checkpoint(TRUNCATE)");
			this.snapshot = Files.readAllBytes(database);
			Sql.execute(app, "INSERT INTO t VALUES ('lifetime 1')");
			this.lifetimes.add(Files.readAllBytes(wal));
			for (int lifetime = 2; lifetime <= 4; lifetime++) {
				Sql.execute(app, "PRAGMA wal_checkpoint(RESTART)",
						"INSERT INTO t VALUES ('lifetime " + lifetime + "')");
				this.lifetimes.add(Files.readAllBytes(wal));
			}
		}
		finally {
			app.close(); // the last connection: SQLite checkpoints and deletes the WAL
		}
		assertThat(wal).doesNotExist();
		try (Connection reopened = Sql.connect(database)) {
			Sql.execute(reopened, "PRAGMA wal_autocheckpoint = 0", "INSERT INTO t VALUES ('lifetime 5')");
			this.lifetimes.add(Files.readAllBytes(wal));
		}
		for (byte[] lifetime : this.lifetimes) {
			assertThat(committedLength(lifetime)).as("a whole WAL of one lifetime").isEqualTo(lifetime.length);
		}
	}

	@Test
	void theLifetimesAreConsecutiveRestartsThenAFreshWal() {
		assertThat(header(2).restartsSince(header(1))).hasValue(1);
		assertThat(header(3).restartsSince(header(2))).hasValue(1);
		assertThat(header(4).restartsSince(header(3))).hasValue(1);
		assertThat(header(3).restartsSince(header(1))).hasValue(2);
		assertThat(header(1).restartsSince(header(3))).as("not backwards").isEmpty();
		assertThat(header(5).checkpointSequence()).isZero();
		assertThat(header(5).restartsSince(header(4))).isEmpty();
	}

	@Test
	void consecutiveLifetimesRestore() throws Exception {
		store(1, 2, 3);
		assertThat(rows(restore())).containsExactly("lifetime 1", "lifetime 2", "lifetime 3");
	}

	@Test
	void aWalCreatedAnewAfterTheLastConnectionClosedContinues() throws Exception {
		store(1, 2, 3, 4, 5);
		RestoreResult result = restore();
		assertThat(rows(result)).containsExactly("lifetime 1", "lifetime 2", "lifetime 3", "lifetime 4", "lifetime 5");
		assertThat(result.position().index()).isEqualTo(4);
	}

	@Test
	void aSkippedLifetimeIsRefused() throws Exception {
		store(1, 3);
		assertRestoreFails(Lz4Objects.walSegmentKey(this.generation, 1, 0),
				"missing: WAL index 00000001 starts 2 WAL restarts after index 00000000",
				"1 WAL lifetime between them is in no index");
	}

	@Test
	void aSkippedLifetimeFurtherOnIsRefused() throws Exception {
		store(1, 2, 4);
		assertRestoreFails(Lz4Objects.walSegmentKey(this.generation, 2, 0),
				"missing: WAL index 00000002 starts 2 WAL restarts after index 00000001");
	}

	@Test
	void twoSkippedLifetimesAreCounted() throws Exception {
		store(1, 4);
		assertRestoreFails(Lz4Objects.walSegmentKey(this.generation, 1, 0),
				"starts 3 WAL restarts after index 00000000", "2 WAL lifetimes between them are in no index");
	}

	@Test
	void theSameLifetimeTwiceIsRefused() throws Exception {
		store(1, 1);
		assertRestoreFails(Lz4Objects.walSegmentKey(this.generation, 1, 0),
				"duplicate: WAL index 00000001 starts with the same WAL header as index 00000000");
	}

	private void store(int... lifetimeNumbers) throws IOException {
		String snapshotKey = ReplicaPaths.snapshotKey(this.generation, 0, this.codec.compression());
		this.client.writeSnapshot(this.generation, 0, this.codec.compression(),
				ObjectContent.of(encode(this.snapshot, snapshotKey)));
		for (int index = 0; index < lifetimeNumbers.length; index++) {
			write(index, this.lifetimes.get(lifetimeNumbers[index] - 1));
		}
	}

	private void write(long index, byte[] wal) throws IOException {
		String key = ReplicaPaths.walSegmentKey(this.generation, index, 0, this.codec.compression());
		this.client.writeWalSegment(this.generation, index, 0, this.codec.compression(),
				ObjectContent.of(encode(wal, key)));
	}

	private RestoreResult restore() throws IOException {
		return new Restorer(this.codec).restore(this.client, RestoreOptions.latest(this.dir.resolve("out/restored.db")),
				RestoreProgress.NONE);
	}

	private void assertRestoreFails(String key, String... problems) throws IOException {
		assertThatExceptionOfType(CorruptReplicaException.class).isThrownBy(this::restore)
			.satisfies((ex) -> assertThat(ex.objectKey()).isEqualTo(key))
			.withMessageContaining(key)
			.satisfies((ex) -> assertThat(ex.getMessage()).contains(problems));
		try (Stream<Path> files = Files.list(this.dir.resolve("out"))) {
			assertThat(files).as("nothing written beside the output").isEmpty();
		}
	}

	private WalHeader header(int lifetime) {
		return WalHeader.parse(this.lifetimes.get(lifetime - 1));
	}

	private byte[] encode(byte[] content, String key) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (OutputStream out = this.codec.encode(bytes, key)) {
			out.write(content);
		}
		return bytes.toByteArray();
	}

	private static long committedLength(byte[] wal) {
		FrameChain chain = new FrameChain(WalHeader.parse(wal));
		int frameSize = chain.header().frameSize();
		while (chain.offset() + frameSize <= wal.length && chain
			.accept(Arrays.copyOfRange(wal, (int) chain.offset(), (int) chain.offset() + frameSize), 0) == null) {
			// follow the chain to its end
		}
		return chain.lastCommitOffset();
	}

	private static List<String> rows(RestoreResult result) throws Exception {
		return Sql.dump(result.path()).get("t");
	}

}
