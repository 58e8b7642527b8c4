package io.github.jlitestream.faults;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

import io.github.jlitestream.core.support.Sql;

/**
 * The application of the fault campaign, in a process of its own: writes to the database
 * the whole time, whatever happens to the engine. Transactions are one-row inserts, large
 * multi-page inserts and schema changes; rows carry increasing ids, and each transaction
 * records itself in {@code commits} (its sequence number, the last row id it wrote, its
 * kind), so a restore can be checked for being a gap-free prefix. After each commit
 * returned it prints {@code C <seq> <last id> <kind> <epoch millis>}; a line {@code stop}
 * on its input ends it ({@code STOPPED true}). Arguments: database path, seed, pause
 * between commits in milliseconds.
 */
public final class FaultWriter {

	static final String ROW = "row";

	static final String BULK = "bulk";

	static final String SCHEMA = "schema";

	private FaultWriter() {
	}

	public static void main(String[] args) throws Exception {
		Path path = Path.of(args[0]);
		Random random = new Random(Long.parseLong(args[1]));
		long pause = Long.parseLong(args[2]);
		Thread stopper = new Thread(FaultWriter::awaitStop);
		stopper.setDaemon(true);
		try (Connection connection = Sql.connect(path)) {
			Sql.execute(connection, "PRAGMA busy_timeout = 60000",
					"CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, v BLOB NOT NULL)",
					"CREATE TABLE IF NOT EXISTS commits (seq INTEGER PRIMARY KEY, last_id INTEGER NOT NULL, "
							+ "kind TEXT NOT NULL)");
			long seq = max(connection, "SELECT COALESCE(MAX(seq), 0) FROM commits");
			long id = max(connection, "SELECT COALESCE(MAX(id), 0) FROM t");
			System.out.println("READY " + seq + " " + id);
			stopper.start();
			connection.setAutoCommit(false);
			while (stopper.isAlive()) {
				seq++;
				int draw = random.nextInt(100);
				String kind = (draw < 86) ? ROW : (draw < 97) ? BULK : SCHEMA;
				int rows = kind.equals(BULK) ? 20 + random.nextInt(180) : 1;
				try (PreparedStatement insert = connection
					.prepareStatement("INSERT INTO t (id, seq, v) VALUES (?, ?, ?)")) {
					for (int i = 0; i < rows; i++) {
						byte[] value = new byte[kind.equals(BULK) ? 400 : 100 + random.nextInt(200)];
						random.nextBytes(value);
						insert.setLong(1, ++id);
						insert.setLong(2, seq);
						insert.setBytes(3, value);
						insert.executeUpdate();
					}
				}
				if (kind.equals(SCHEMA)) {
					Sql.execute(connection, "CREATE TABLE s_" + seq + " (x INTEGER)",
							"INSERT INTO s_" + seq + " VALUES (" + seq + ")");
				}
				try (PreparedStatement commit = connection
					.prepareStatement("INSERT INTO commits (seq, last_id, kind) VALUES (?, ?, ?)")) {
					commit.setLong(1, seq);
					commit.setLong(2, id);
					commit.setString(3, kind);
					commit.executeUpdate();
				}
				connection.commit();
				System.out.println("C " + seq + " " + id + " " + kind + " " + System.currentTimeMillis());
				if (pause > 0) {
					Thread.sleep(pause);
				}
			}
		}
		System.out.println("STOPPED true");
	}

	private static long max(Connection connection, String query) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static void awaitStop() {
		try (BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			String line;
			while ((line = input.readLine()) != null && !line.equals("stop")) {
				// wait for the stop
			}
		}
		catch (Exception ex) {
			// the parent is gone: stop
		}
	}

}
