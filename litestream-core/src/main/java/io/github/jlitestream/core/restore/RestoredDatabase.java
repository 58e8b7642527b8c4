package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.util.SqliteFiles;
import io.github.jlitestream.core.wal.WalHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database file a restore builds in its work directory: checked as a snapshot, made
 * durable and checked by SQLite, then moved into place over the output.
 */
final class RestoredDatabase {

	// The restore's messages keep the logger they always had, whichever class writes
	// them.
	private static final Logger logger = LoggerFactory.getLogger(Restorer.class);

	private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

	/**
	 * SQLite caps the map at its compile-time maximum; larger databases are read through
	 * the map as far as it goes.
	 */
	private static final long INTEGRITY_CHECK_MMAP_SIZE = 1L << 40;

	private final Path path;

	RestoredDatabase(Path path) {
		this.path = path;
	}

	Path path() {
		return this.path;
	}

	/** Checks, before any work, that a restore can create {@code output}. */
	static void checkOutput(Path output, boolean overwrite) {
		if (!Files.isDirectory(output.getParent())) {
			throw new LitestreamException(
					"Cannot restore to " + output + ": directory " + output.getParent() + " does not exist");
		}
		if (Files.exists(output) && !overwrite) {
			throw new LitestreamException("Cannot restore to " + output + ": the file exists (restore never "
					+ "overwrites a database unless asked to)");
		}
	}

	/**
	 * Checks that the snapshot is a SQLite database and returns its page size (0 for an
	 * empty file).
	 */
	int checkSnapshot(String key) throws IOException {
		long size = Files.size(this.path);
		if (size == 0) {
			// the database had everything in its WAL: the page size comes from the WAL
			// header
			return 0;
		}
		byte[] header = new byte[100];
		try (InputStream in = Files.newInputStream(this.path)) {
			if (in.readNBytes(header, 0, 100) < 100) {
				throw new CorruptReplicaException(key, "not a SQLite database: only " + size + " bytes");
			}
		}
		for (int i = 0; i < SQLITE_MAGIC.length; i++) {
			if (header[i] != SQLITE_MAGIC[i]) {
				throw new CorruptReplicaException(key, "not a SQLite database: bad header");
			}
		}
		int pageSize = WalHeader.decodePageSize(((header[16] & 0xff) << 8) | (header[17] & 0xff));
		if (!WalHeader.isValidPageSize(pageSize) || size % pageSize != 0) {
			throw new CorruptReplicaException(key, "snapshot of " + size + " bytes is not whole pages of " + pageSize);
		}
		return pageSize;
	}

	/**
	 * Forces the restored file to disk while SQLite checks it from the page cache, since
	 * the two take about as long; a failed check is what the caller hears about, with a
	 * failed force attached.
	 */
	void forceWhileChecking(boolean integrityCheck, ExecutorService executor) throws IOException {
		Future<?> durable = executor.submit(() -> {
			try (FileChannel db = FileChannel.open(this.path, StandardOpenOption.WRITE)) {
				db.force(true);
			}
			return null;
		});
		try {
			if (integrityCheck) {
				checkIntegrity();
			}
		}
		catch (RuntimeException ex) {
			try {
				RestoreRun.await(durable);
			}
			catch (IOException | RuntimeException forceFailure) {
				ex.addSuppressed(forceFailure);
			}
			throw ex;
		}
		RestoreRun.await(durable);
	}

	private void checkIntegrity() {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.path);
				Statement statement = connection.createStatement()) {
			// Pages read through a memory map rather than a read call each: the check of
			// 1 GB took half the time.
			statement.execute("PRAGMA mmap_size = " + INTEGRITY_CHECK_MMAP_SIZE);
			try (ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
				List<String> problems = new ArrayList<>();
				while (rs.next()) {
					problems.add(rs.getString(1));
				}
				if (!problems.equals(List.of("ok"))) {
					throw new LitestreamException("Restored database fails PRAGMA integrity_check: "
							+ String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
				}
			}
		}
		catch (SQLException ex) {
			throw new LitestreamException("Restored database cannot be checked: " + ex.getMessage(), ex);
		}
	}

	void moveIntoPlace(Path output, boolean overwrite) throws IOException {
		// A WAL or shared-memory file left from an earlier database would be replayed
		// onto the restored one.
		for (Path stale : List.of(SqliteFiles.walPath(output), SqliteFiles.shmPath(output))) {
			if (Files.exists(stale)) {
				Path aside = stale.resolveSibling(stale.getFileName() + ".stale-" + Instant.now().toEpochMilli());
				Files.move(stale, aside);
				logger.warn("moved stale {} aside to {} before restoring {}", stale, aside, output);
			}
		}
		if (overwrite) {
			Files.move(this.path, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		else {
			Files.move(this.path, output, StandardCopyOption.ATOMIC_MOVE);
		}
		try (FileChannel dir = FileChannel.open(output.getParent(), StandardOpenOption.READ)) {
			dir.force(true);
		}
		catch (IOException ex) {
			// not every platform can sync a directory
		}
	}

}
