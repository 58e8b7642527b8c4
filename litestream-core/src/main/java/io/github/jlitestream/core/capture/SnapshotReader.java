package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.io.InputStream;

import io.github.jlitestream.core.Position;

/**
 * Reads a snapshot of a database file that {@link Database#readSnapshot} holds still.
 *
 * @param <T> what it makes of the file
 * @since 0.1.0
 */
@FunctionalInterface
public interface SnapshotReader<T> {

	/**
	 * Reads the database file; every change in it is in the shadow WAL at or before
	 * {@code position}.
	 */
	T read(Position position, InputStream databaseFile) throws IOException;

}
