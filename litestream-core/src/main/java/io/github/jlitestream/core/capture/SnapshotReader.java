package io.github.jlitestream.core.capture;

import java.io.IOException;

import io.github.jlitestream.core.ObjectContent;
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
	 * Reads the database file, as often as it needs (each {@link ObjectContent#open()}
	 * reads it from its start); every change in it is in the shadow WAL at or before
	 * {@code position}.
	 */
	T read(Position position, ObjectContent databaseFile) throws IOException;

}
