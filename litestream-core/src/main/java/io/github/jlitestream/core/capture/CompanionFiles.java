package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.util.SqliteFiles;
import org.jspecify.annotations.Nullable;

/**
 * The identities of a database's {@code -wal} and {@code -shm} files (null for one that
 * is absent). SQLite finds both by name beside the database file, so a database file
 * replaced while the replaced file's WAL and shared memory stay would be read with that
 * WAL's frames as its own pages: a mix of two files that corrupts the new one as soon as
 * a checkpoint writes them back. The engine keeps the identities it saw beside the file
 * it replicates and opens a replacement only once neither is still there.
 *
 * @param wal the identity of the {@code -wal} file, or null
 * @param shm the identity of the {@code -shm} file, or null
 */
record CompanionFiles(@Nullable Object wal, @Nullable Object shm) {

	static final CompanionFiles NONE = new CompanionFiles(null, null);

	/** Reads the identities of the files beside {@code database}. */
	static CompanionFiles of(Path database) throws IOException {
		return new CompanionFiles(keyOrNull(SqliteFiles.walPath(database)), keyOrNull(SqliteFiles.shmPath(database)));
	}

	/**
	 * Refuses to open {@code database} while a file beside it is one that belonged to the
	 * replaced (or deleted) file.
	 * @param database the database file about to be opened again
	 * @param replaced the identities seen beside the file that was replaced
	 */
	static void requireNoneLeftFrom(CompanionFiles replaced, Path database) throws IOException {
		CompanionFiles now = of(database);
		Path left = null;
		if (replaced.wal() != null && Objects.equals(now.wal(), replaced.wal())) {
			left = SqliteFiles.walPath(database);
		}
		else if (replaced.shm() != null && Objects.equals(now.shm(), replaced.shm())) {
			left = SqliteFiles.shmPath(database);
		}
		if (left != null) {
			throw new LitestreamException("Cannot replicate " + database + " yet: the database file was replaced, but "
					+ left + " still belongs to the replaced file, and SQLite would read the "
					+ "replaced file's WAL as pages of the new one (corrupting it). Delete "
					+ SqliteFiles.walPath(database) + " and " + SqliteFiles.shmPath(database)
					+ " once no connection has the replaced file open (or "
					+ "replace a database only with the application stopped); replication resumes then, in a new "
					+ "generation");
		}
	}

	private static @Nullable Object keyOrNull(Path path) throws IOException {
		try {
			return DatabaseFiles.fileKey(path);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
	}

}
