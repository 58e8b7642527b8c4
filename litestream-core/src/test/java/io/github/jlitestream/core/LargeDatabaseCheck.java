package io.github.jlitestream.core;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.ship.Replica;
import io.github.jlitestream.core.support.Sql;

/**
 * Run in its own JVM with a small heap by {@link BoundedMemoryTests}: builds a large
 * database, replicates it (snapshot and WAL) to a file replica, restores it and compares
 * the content. Prints {@code OK <bytes>} at the end. Arguments: working directory,
 * database size in MiB, and optionally {@code encrypted} (AES-256-GCM over LZ4).
 */
public final class LargeDatabaseCheck {

	private LargeDatabaseCheck() {
	}

	public static void main(String[] args) throws Exception {
		Path dir = Path.of(args[0]);
		long mebibytes = Long.parseLong(args[1]);
		ReplicaCodec codec = (args.length > 2 && args[2].equals("encrypted"))
				? new ReplicaCodec(Compression.LZ4, 3, new Encryption(new byte[32], List.of()))
				: ReplicaCodec.litestream();
		Path path = dir.resolve("large.db");
		int rowSize = 64 * 1024;
		long rows = mebibytes * 1024 * 1024 / rowSize;
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)");
			insert(app, rows, rowSize);
			Sql.execute(app, "PRAGMA wal_checkpoint(TRUNCATE)");
			FileReplicaClient client = new FileReplicaClient(dir.resolve("replica"));
			try (Database database = new Database("large", DatabaseOptions.of(path), ReplicationListener.NONE,
					Clock.systemUTC())) {
				database.open();
				Replica replica = new Replica(database, client, ReplicaOptions.of("file"), codec,
						ReplicationListener.NONE, Clock.systemUTC());
				replica.sync(); // the generation's first snapshot: the whole database
				insert(app, 400, rowSize); // about 25 MiB more, through the WAL
				Sql.execute(app, "UPDATE t SET b = randomblob(100) WHERE id % 97 = 0");
				database.sync();
				replica.sync();
			}
			Path restored = dir.resolve("restored.db");
			RestoreResult result = new Restorer(codec).restore(client, RestoreOptions.latest(restored),
					RestoreProgress.NONE);
			String expected = digest(app);
			try (Connection check = DriverManager.getConnection("jdbc:sqlite:" + restored)) {
				String actual = digest(check);
				if (!expected.equals(actual)) {
					throw new IllegalStateException("restored content differs: " + actual + " != " + expected);
				}
			}
			System.out.println("OK " + result.databaseBytes() + " bytes, max heap "
					+ Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
		}
	}

	private static void insert(Connection app, long rows, int rowSize) throws Exception {
		app.setAutoCommit(false);
		try (PreparedStatement insert = app.prepareStatement("INSERT INTO t (b) VALUES (randomblob(?))")) {
			for (long i = 1; i <= rows; i++) {
				insert.setInt(1, rowSize - 200);
				insert.executeUpdate();
				if (i % 256 == 0) {
					app.commit();
				}
			}
		}
		app.commit();
		app.setAutoCommit(true);
	}

	private static String digest(Connection connection) throws Exception {
		MessageDigest sha = MessageDigest.getInstance("SHA-256");
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT id, b FROM t ORDER BY id")) {
			while (rs.next()) {
				sha.update(Long.toString(rs.getLong(1)).getBytes());
				sha.update(rs.getBytes(2));
			}
		}
		return HexFormat.of().formatHex(sha.digest());
	}

}
