package io.github.jlitestream.core.verify;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * A SHA-256 digest of every table's rows and of the schema, read through one connection's
 * transaction, streamed (memory does not grow with the database). Two databases in the
 * same state give the same digests; each table has its own, so a difference names the
 * tables it is in.
 */
final class ContentDigest {

	/** The key of the schema's digest (every object of {@code sqlite_master}). */
	static final String SCHEMA = "(schema)";

	private ContentDigest() {
	}

	/** The digests, by table name, of what {@code connection} sees. */
	static Map<String, String> of(Connection connection) throws SQLException {
		Map<String, String> digests = new TreeMap<>();
		List<String> tables = new ArrayList<>();
		MessageDigest schema = sha256();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement
					.executeQuery("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")) {
			while (rs.next()) {
				for (int c = 1; c <= 4; c++) {
					update(schema, rs.getString(c));
				}
				if ("table".equals(rs.getString(1))) {
					tables.add(rs.getString(2));
				}
			}
		}
		digests.put(SCHEMA, HexFormat.of().formatHex(schema.digest()));
		for (String table : tables) {
			digests.put(table, table(connection, table));
		}
		return digests;
	}

	private static String table(Connection connection, String table) throws SQLException {
		MessageDigest digest = sha256();
		String quoted = "\"" + table.replace("\"", "\"\"") + "\"";
		try (Statement statement = connection.createStatement(); ResultSet rs = query(statement, quoted)) {
			ResultSetMetaData meta = rs.getMetaData();
			int columns = meta.getColumnCount();
			long rows = 0;
			while (rs.next()) {
				rows++;
				for (int c = 1; c <= columns; c++) {
					Object value = rs.getObject(c);
					if (value == null) {
						digest.update((byte) 0);
					}
					else if (value instanceof byte[] bytes) {
						digest.update((byte) 1);
						digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
						digest.update(bytes);
					}
					else if (value instanceof Number number && !(value instanceof Double || value instanceof Float)) {
						digest.update((byte) 2);
						digest.update(ByteBuffer.allocate(8).putLong(number.longValue()).array());
					}
					else if (value instanceof Number number) {
						digest.update((byte) 3);
						digest.update(ByteBuffer.allocate(8).putDouble(number.doubleValue()).array());
					}
					else {
						digest.update((byte) 4);
						update(digest, value.toString());
					}
				}
			}
			digest.update(ByteBuffer.allocate(8).putLong(rows).array());
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * In rowid order where the table has one; a table without rowid is read in its
	 * primary key's order, the only order it has.
	 */
	private static ResultSet query(Statement statement, String quoted) throws SQLException {
		try {
			return statement.executeQuery("SELECT * FROM " + quoted + " ORDER BY rowid");
		}
		catch (SQLException ex) {
			return statement.executeQuery("SELECT * FROM " + quoted);
		}
	}

	private static void update(MessageDigest digest, @Nullable String text) {
		if (text == null) {
			digest.update((byte) 0);
			return;
		}
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		digest.update((byte) 1);
		digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
		digest.update(bytes);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
