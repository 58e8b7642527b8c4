package io.github.jlitestream.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.support.Sql;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Builds a replica for the restore benchmark directly in Litestream v0.3.13's layout,
 * from a real database and real WAL generated locally with SQLite, so that both restorers
 * read exactly the same objects:
 * <ol>
 * <li>a base database of about the requested size (rows of 1,300 random and 700 zero
 * bytes: about 1.5:1 for LZ4), checkpointed into the file, becomes
 * {@code snapshots/00000000.snapshot.lz4};</li>
 * <li>then, for each WAL index, small transactions (4 rows of 150 random bytes each) are
 * committed with automatic checkpoints off; each commit's WAL bytes become one segment
 * {@code wal/<index>_<offset>.wal.lz4} (the first one starting with the WAL header at
 * offset 0), and a {@code wal_checkpoint(TRUNCATE)} ends the index, so the next one
 * starts a new WAL lifetime with new salts, exactly as a replicator's checkpoint
 * would.</li>
 * </ol>
 * Objects are LZ4 frames written by the engine's {@link Lz4FrameCodec} (Litestream's
 * frame settings). The source's row count and sum of a random column are what every
 * restore is checked against.
 */
final class ReplicaFixture {

	private ReplicaFixture() {
	}

	/** What was built. */
	record Source(String generation, long rows, long hashSum, long databaseBytes, int indexes, int segments,
			long storedBytes, double buildSeconds) {
	}

	static Source build(Env env, Env.Run run, long databaseBytes, int indexes, int commitsPerIndex) throws Exception {
		long started = System.nanoTime();
		String generation = HexFormat.of()
			.formatHex(ByteBuffer.allocate(8).putLong(new SplittableRandom().nextLong()).array());
		String dir = run.prefix() + "/generations/" + generation + "/";
		Path source = run.dir().resolve("source.db");
		long rows = Math.max(1, databaseBytes / 2048);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + source)) {
			Sql.execute(connection, "PRAGMA page_size = 4096", "PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF",
					"CREATE TABLE t (id INTEGER PRIMARY KEY, h INTEGER NOT NULL, b BLOB NOT NULL, z BLOB NOT NULL)");
			try (PreparedStatement insert = connection.prepareStatement("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
					+ "SELECT x + 1 FROM c WHERE x < ?) INSERT INTO t (h, b, z) SELECT abs(random() % 2147483648), "
					+ "randomblob(1300), zeroblob(700) FROM c")) {
				insert.setLong(1, rows);
				insert.executeUpdate();
			}
		}
		AtomicLong stored = new AtomicLong();
		ExecutorService uploads = Executors.newFixedThreadPool(8);
		List<Future<?>> pending = new ArrayList<>();
		int segments = 0;
		try (Connection connection = Sql.connect(source)) {
			Sql.execute(connection, "PRAGMA wal_autocheckpoint = 0");
			checkpointTruncate(connection);
			// The snapshot: the database file with everything checkpointed into it.
			Path snapshot = run.dir().resolve("snapshot.lz4");
			try (InputStream in = Files.newInputStream(source);
					OutputStream out = new Lz4FrameCodec().encode(Files.newOutputStream(snapshot), "snapshot")) {
				in.transferTo(out);
			}
			put(env, run.bucket(), dir + "snapshots/00000000.snapshot.lz4", RequestBody.fromFile(snapshot));
			stored.addAndGet(Files.size(snapshot));
			Files.delete(snapshot);

			Path wal = source.resolveSibling(source.getFileName() + "-wal");
			SplittableRandom random = new SplittableRandom(7);
			byte[] previousSalts = null;
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t (h, b, z) VALUES (?, ?, x'')")) {
				for (int index = 0; index < indexes; index++) {
					List<Long> ends = new ArrayList<>();
					for (int commit = 0; commit < commitsPerIndex; commit++) {
						connection.setAutoCommit(false);
						for (int r = 0; r < 4; r++) {
							byte[] blob = new byte[150];
							random.nextBytes(blob);
							insert.setLong(1, random.nextInt(Integer.MAX_VALUE));
							insert.setBytes(2, blob);
							insert.executeUpdate();
						}
						connection.commit();
						connection.setAutoCommit(true);
						ends.add(Files.size(wal));
					}
					byte[] bytes = Files.readAllBytes(wal);
					if (bytes.length != ends.get(ends.size() - 1)) {
						throw new IllegalStateException("WAL of index " + index + " is " + bytes.length
								+ " bytes, expected " + ends.get(ends.size() - 1));
					}
					byte[] salts = Arrays.copyOfRange(bytes, 16, 24);
					if (previousSalts != null && Arrays.equals(salts, previousSalts)) {
						throw new IllegalStateException("WAL index " + index + " did not start a new lifetime");
					}
					previousSalts = salts;
					long offset = 0;
					for (long end : ends) {
						byte[] slice = Arrays.copyOfRange(bytes, (int) offset, (int) end);
						String key = dir + "wal/%08x_%08x.wal.lz4".formatted(index, offset);
						pending.add(uploads.submit(() -> {
							byte[] encoded = encode(slice);
							put(env, run.bucket(), key, RequestBody.fromBytes(encoded));
							stored.addAndGet(encoded.length);
							return null;
						}));
						segments++;
						offset = end;
					}
					checkpointTruncate(connection);
				}
			}
			for (Future<?> future : pending) {
				future.get();
			}
			long[] truth = truth(connection);
			return new Source(generation, truth[0], truth[1], Files.size(source), indexes, segments, stored.get(),
					(System.nanoTime() - started) / 1e9);
		}
		finally {
			uploads.shutdownNow();
			for (String suffix : new String[] { "", "-wal", "-shm" }) {
				Files.deleteIfExists(source.resolveSibling(source.getFileName() + suffix));
			}
		}
	}

	/** Row count and sum of {@code h} of a database. */
	static long[] truth(Path database) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database)) {
			return truth(connection);
		}
	}

	private static long[] truth(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT count(*), sum(h) FROM t")) {
			rs.next();
			return new long[] { rs.getLong(1), rs.getLong(2) };
		}
	}

	private static void checkpointTruncate(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
			rs.next();
			if (rs.getInt(1) != 0) {
				throw new IllegalStateException("wal_checkpoint(TRUNCATE) was blocked");
			}
		}
	}

	private static byte[] encode(byte[] bytes) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream(bytes.length / 2 + 64);
		try (OutputStream out = new Lz4FrameCodec().encode(buffer, "segment")) {
			out.write(bytes);
		}
		return buffer.toByteArray();
	}

	private static void put(Env env, String bucket, String key, RequestBody body) {
		env.s3().putObject((b) -> b.bucket(bucket).key(key), body);
	}

}
