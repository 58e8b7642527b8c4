package io.github.jlitestream.core.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Small helpers for tests that talk to SQLite directly, as an application would.
 */
public final class Sql {

	private Sql() {
	}

	/** Opens an application connection in WAL mode with a busy timeout. */
	public static Connection connect(Path path) throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path);
		try (Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA busy_timeout = 10000");
			statement.execute("PRAGMA journal_mode = wal");
			statement.execute("PRAGMA synchronous = NORMAL");
		}
		return connection;
	}

	public static void execute(Connection connection, String... statements) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	/**
	 * Every row of every user table, as text, ordered, keyed by table: what "equal
	 * databases" means in tests.
	 */
	public static Map<String, List<String>> dump(Path path) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path)) {
			return dump(connection);
		}
	}

	public static Map<String, List<String>> dump(Connection connection) throws SQLException {
		Map<String, List<String>> tables = new TreeMap<>();
		List<String> names = new ArrayList<>();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' "
						+ "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_litestream_%' ORDER BY name")) {
			while (rs.next()) {
				names.add(rs.getString(1));
			}
		}
		for (String name : names) {
			List<String> rows = new ArrayList<>();
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT * FROM \"" + name + "\" ORDER BY 1")) {
				ResultSetMetaData meta = rs.getMetaData();
				while (rs.next()) {
					StringBuilder row = new StringBuilder();
					for (int c = 1; c <= meta.getColumnCount(); c++) {
						Object value = rs.getObject(c);
						row.append(c > 1 ? "|" : "")
							.append((value instanceof byte[] bytes) ? HexFormat.of().formatHex(bytes)
									: String.valueOf(value));
					}
					rows.add(row.toString());
				}
			}
			tables.put(name, rows);
		}
		return tables;
	}

	public static long count(Path path, String table) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path)) {
			return count(connection, table);
		}
	}

	public static long count(Connection connection, String table) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	public static String integrityCheck(Path path) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
			rs.next();
			return rs.getString(1);
		}
	}

}
