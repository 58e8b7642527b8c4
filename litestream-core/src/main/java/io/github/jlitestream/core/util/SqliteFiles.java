package io.github.jlitestream.core.util;

import java.nio.file.Path;

/**
 * The files SQLite keeps beside a database in WAL mode: {@code <db>-wal}, the write-ahead
 * log, and {@code <db>-shm}, its shared-memory index.
 *
 * @since 0.1.0
 */
public final class SqliteFiles {

	private SqliteFiles() {
	}

	/** The WAL file of the database at {@code database}. */
	public static Path walPath(Path database) {
		return database.resolveSibling(database.getFileName() + "-wal");
	}

	/** The shared-memory index of the database at {@code database}. */
	public static Path shmPath(Path database) {
		return database.resolveSibling(database.getFileName() + "-shm");
	}

}
