package io.github.jlitestream.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.LitestreamBinary;
import io.github.jlitestream.faults.WriterLog.Commit;

/**
 * A restored copy of the writer's database, read back and judged: it must pass
 * {@code integrity_check} and hold exactly the writer's first {@code commits}
 * transactions, nothing of a later one and nothing out of order.
 */
record RestoredState(long commits, List<String> problems) {

	/**
	 * After a graceful stop: the replica, restored by this project and by Litestream
	 * v0.3.13, must hold every commit the writer made and equal the database row for row.
	 */
	static CampaignResult.FinalRestore finalRestore(Path dir, CampaignStore store, Path database, WriterLog log)
			throws Exception {
		List<String> problems = new ArrayList<>();
		int failed = 0;
		long commits = 0;
		String expected = digest(database);
		Path restored = dir.resolve("final.db");
		Files.deleteIfExists(restored);
		try {
			new Restorer(new Lz4FrameCodec()).restore(store.client(), RestoreOptions.latest(restored),
					RestoreProgress.NONE);
			RestoredState state = check(restored, log.commits());
			commits = state.commits();
			List<String> found = new ArrayList<>(state.problems());
			if (state.commits() != log.commits().size()) {
				found.add("it holds " + state.commits() + " of " + log.commits().size() + " commits");
			}
			if (!digest(restored).equals(expected)) {
				found.add("it differs from the database");
			}
			if (!found.isEmpty()) {
				failed++;
				found.forEach((p) -> problems.add("final restore: " + p));
			}
		}
		catch (Exception ex) {
			failed++;
			problems.add("final restore failed: " + ex);
		}
		Path byLitestream = dir.resolve("final-by-litestream.db");
		Files.deleteIfExists(byLitestream);
		LitestreamBinary.Result result = store.restoreWithLitestream(dir, database, byLitestream);
		if (result.exitCode() != 0) {
			failed++;
			problems.add("Litestream v0.3.13 could not restore the replica: " + result.output());
		}
		else if (!digest(byLitestream).equals(expected)) {
			failed++;
			problems.add("Litestream v0.3.13's restore differs from the database");
		}
		return new CampaignResult.FinalRestore(commits, failed, problems);
	}

	/**
	 * Reads {@code restored} and checks it against what the writer reported ({@code log},
	 * which may lag the database by the last few commits).
	 */
	static RestoredState check(Path restored, List<Commit> log) throws SQLException {
		List<String> problems = new ArrayList<>();
		String integrity = Sql.integrityCheck(restored);
		if (!integrity.equals("ok")) {
			problems.add("integrity_check: " + integrity);
		}
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + restored)) {
			long count = single(connection, "SELECT COUNT(*) FROM commits");
			long max = single(connection, "SELECT COALESCE(MAX(seq), 0) FROM commits");
			if (count != max) {
				problems.add("commits are not gap-free: " + count + " rows, highest seq " + max);
			}
			long lastId = (max == 0) ? 0 : single(connection, "SELECT last_id FROM commits WHERE seq = " + max);
			long rows = single(connection, "SELECT COUNT(*) FROM t");
			long maxId = single(connection, "SELECT COALESCE(MAX(id), 0) FROM t");
			long maxRowSeq = single(connection, "SELECT COALESCE(MAX(seq), 0) FROM t");
			if (rows != lastId || maxId != lastId) {
				problems.add("rows are not the prefix up to commit " + max + ": " + rows + " rows, highest id " + maxId
						+ ", commit " + max + " ended at id " + lastId);
			}
			if (maxRowSeq > max) {
				problems.add("a row of commit " + maxRowSeq + " without its commit record (last is " + max + ")");
			}
			if (max <= log.size() && max > 0 && log.get((int) max - 1).lastId() != lastId) {
				problems.add("commit " + max + " ended at id " + lastId + " in the restore but at "
						+ log.get((int) max - 1).lastId() + " in the writer");
			}
			TreeSet<String> schema = new TreeSet<>();
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement
						.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 's\\_%' "
								+ "ESCAPE '\\'")) {
				while (rs.next()) {
					schema.add(rs.getString(1));
				}
			}
			TreeSet<String> expected = new TreeSet<>();
			for (Commit commit : log) {
				if (commit.seq() <= max && commit.kind().equals(FaultWriter.SCHEMA)) {
					expected.add("s_" + commit.seq());
				}
			}
			if (max <= log.size() && !schema.equals(expected)) {
				problems.add("schema changes " + schema + " where the writer made " + expected);
			}
			return new RestoredState(max, problems);
		}
	}

	/**
	 * A digest of every row of every user table, in order: equal digests, equal databases
	 * (without holding them in memory, as a long soak's would not fit).
	 */
	static String digest(Path path) throws SQLException {
		MessageDigest digest = sha256();
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path)) {
			List<String> tables = new ArrayList<>();
			try (Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' "
							+ "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_litestream_%' ORDER BY name")) {
				while (rs.next()) {
					tables.add(rs.getString(1));
				}
			}
			for (String table : tables) {
				digest.update(table.getBytes(StandardCharsets.UTF_8));
				try (Statement statement = connection.createStatement();
						ResultSet rs = statement.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY 1")) {
					int columns = rs.getMetaData().getColumnCount();
					while (rs.next()) {
						for (int c = 1; c <= columns; c++) {
							Object value = rs.getObject(c);
							digest.update((value instanceof byte[] bytes) ? bytes
									: String.valueOf(value).getBytes(StandardCharsets.UTF_8));
							digest.update((byte) '|');
						}
						digest.update((byte) '\n');
					}
				}
			}
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long single(Connection connection, String query) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
			rs.next();
			return rs.getLong(1);
		}
	}

}
