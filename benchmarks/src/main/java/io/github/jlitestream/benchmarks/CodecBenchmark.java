package io.github.jlitestream.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.codec.ReplicaCodec;

/**
 * LZ4 against zstd on a database of order rows (text, JSON, numbers), through the
 * engine's own object pipeline: compression ratio, and compression and decompression
 * speed on one core, medians of interleaved runs. <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.jlitestream.benchmarks.CodecBenchmark [rows]
 * </pre>
 */
public final class CodecBenchmark {

	private CodecBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rows = (args.length > 0) ? Integer.parseInt(args[0]) : 300_000;
		Path dir = Files.createTempDirectory("codec-benchmark");
		Path db = dir.resolve("orders.db");
		try {
			build(db, rows);
			byte[] data = Files.readAllBytes(db);
			System.out.printf("database: %,d order rows, %.1f MB (SQLite file, checkpointed)%n", rows,
					data.length / 1e6);
			Object[][] cases = { { Compression.LZ4, 3 }, { Compression.ZSTD, 1 }, { Compression.ZSTD, 3 },
					{ Compression.ZSTD, 9 } };
			List<List<double[]>> results = new ArrayList<>();
			for (int i = 0; i < cases.length; i++) {
				results.add(new ArrayList<>());
			}
			for (int run = 0; run < 4; run++) {
				for (int i = 0; i < cases.length; i++) {
					double[] measured = measure(data, (Compression) cases[i][0], (Integer) cases[i][1]);
					if (run > 0) { // the first round warms the JIT
						results.get(i).add(measured);
					}
				}
			}
			System.out.println("codec          | ratio | compress MB/s | decompress MB/s");
			for (int i = 0; i < cases.length; i++) {
				List<double[]> runs = results.get(i);
				System.out.printf("%-5s level %-2d | %5.2f | %13.0f | %15.0f%n", cases[i][0], cases[i][1],
						median(runs, 0), median(runs, 1), median(runs, 2));
			}
		}
		finally {
			for (String name : new String[] { "orders.db", "orders.db-wal", "orders.db-shm" }) {
				Files.deleteIfExists(dir.resolve(name));
			}
			Files.deleteIfExists(dir);
		}
	}

	private static double[] measure(byte[] data, Compression compression, int level) throws Exception {
		ReplicaCodec codec = new ReplicaCodec(compression, level, null);
		String key = "generations/0000000000000000/snapshots/00000000.snapshot." + compression.extension();
		ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
		long t0 = System.nanoTime();
		try (OutputStream encoder = codec.encode(out, key)) {
			encoder.write(data);
		}
		long t1 = System.nanoTime();
		byte[] encoded = out.toByteArray();
		long t2 = System.nanoTime();
		try (InputStream decoder = codec.decode(new ByteArrayInputStream(encoded), key)) {
			if (decoder.transferTo(OutputStream.nullOutputStream()) != data.length) {
				throw new IllegalStateException("round trip lost bytes");
			}
		}
		long t3 = System.nanoTime();
		return new double[] { (double) data.length / encoded.length, data.length / 1e6 / ((t1 - t0) / 1e9),
				data.length / 1e6 / ((t3 - t2) / 1e9) };
	}

	private static double median(List<double[]> runs, int column) {
		double[] values = runs.stream().mapToDouble((r) -> r[column]).sorted().toArray();
		return (values.length % 2 == 1) ? values[values.length / 2]
				: (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
	}

	private static void build(Path db, int rows) throws Exception {
		String[] statuses = { "new", "paid", "shipped", "delivered", "cancelled" };
		String[] words = ("the quick brown fox jumps over lazy dog order shipping address street city coffee tea book "
				+ "lamp chair table red blue green large small")
			.split(" ");
		Random random = new Random(42);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
			try (Statement statement = connection.createStatement()) {
				statement.executeQuery("PRAGMA journal_mode = wal").close();
				statement
					.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, email TEXT, status TEXT, "
							+ "total REAL, items TEXT, note TEXT, created TEXT)");
			}
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (customer, email, status, "
					+ "total, items, note, created) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
				for (int i = 0; i < rows; i++) {
					insert.setString(1, "Customer " + random.nextInt(50_000));
					insert.setString(2, "user" + random.nextInt(50_000) + "@example.com");
					insert.setString(3, statuses[random.nextInt(statuses.length)]);
					insert.setDouble(4, random.nextInt(100_000) / 100.0);
					StringBuilder items = new StringBuilder("[");
					for (int k = 0; k < 1 + random.nextInt(4); k++) {
						items.append("{\"sku\":\"SKU-")
							.append(random.nextInt(9999))
							.append("\",\"qty\":")
							.append(1 + random.nextInt(5))
							.append("},");
					}
					insert.setString(5, items.append(']').toString());
					StringBuilder note = new StringBuilder();
					for (int k = 0; k < random.nextInt(20); k++) {
						note.append(words[random.nextInt(words.length)]).append(' ');
					}
					insert.setString(6, note.toString());
					insert.setString(7, "2026-11-%02dT%02d:%02d:00Z".formatted(1 + random.nextInt(28),
							random.nextInt(24), random.nextInt(60)));
					insert.executeUpdate();
				}
			}
			connection.commit();
			connection.setAutoCommit(true);
			try (Statement statement = connection.createStatement()) {
				statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)").close();
			}
		}
	}

}
