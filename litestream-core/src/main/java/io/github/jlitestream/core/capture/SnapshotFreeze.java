package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.Position;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the database file still while a snapshot reads it. Its guard is held by a
 * snapshot while it reads the frozen file, by a checkpoint (which ends the read
 * transaction and backfills) and by the stop: one at a time, since a second snapshot's
 * backfill would change the file the first one is reading. The guard is always taken
 * before the {@link CaptureLock}.
 */
final class SnapshotFreeze {

	// The messages keep the logger they always had.
	private static final Logger logger = LoggerFactory.getLogger(Database.class);

	private final ReentrantLock guard = new ReentrantLock();

	private final String name;

	private final Clock clock;

	private final CaptureLock state;

	private final Checkpointer checkpointer;

	private final ReadMark mark;

	private final Supplier<EngineConnections> connections;

	private final Supplier<DatabaseFiles.Handle> file;

	private final Supplier<Position> position;

	/**
	 * Creates the freeze of one database.
	 * @param connections the open connections, read under the capture lock
	 * @param file the open database file
	 * @param position the shadow WAL's position, read under the capture lock
	 */
	SnapshotFreeze(String name, Clock clock, CaptureLock state, Checkpointer checkpointer, ReadMark mark,
			Supplier<EngineConnections> connections, Supplier<DatabaseFiles.Handle> file, Supplier<Position> position) {
		this.name = name;
		this.clock = clock;
		this.state = state;
		this.checkpointer = checkpointer;
		this.mark = mark;
		this.connections = connections;
		this.file = file;
		this.position = position;
	}

	/** See {@link Database#readSnapshot}. */
	<T> T read(SnapshotReader<T> reader) throws IOException {
		this.guard.lock();
		try {
			Position frozenAt = freeze();
			try {
				return reader.read(frozenAt, DatabaseFileInputStream.content(this.file.get()));
			}
			finally {
				thaw();
			}
		}
		finally {
			this.guard.unlock();
		}
	}

	/**
	 * Runs {@code checkpoint} unless a snapshot is being read.
	 * @return what it returned, or false when it was skipped
	 */
	boolean checkpointUnlessReading(CaptureLock.Change checkpoint) throws IOException, SQLException {
		if (!this.guard.tryLock()) {
			logger.debug("db={} checkpoint skipped: a snapshot is being read", this.name);
			return false;
		}
		try {
			return checkpoint.run();
		}
		finally {
			this.guard.unlock();
		}
	}

	/** Takes the guard for the stop, waiting for a snapshot being read. */
	void hold() {
		this.guard.lock();
	}

	void release() {
		this.guard.unlock();
	}

	private Position freeze() throws IOException {
		Instant noticedAt = this.clock.instant();
		boolean changed;
		Position frozenAt;
		this.state.lock();
		try {
			changed = this.checkpointer.freeze(this.connections.get(), noticedAt);
			frozenAt = this.position.get();
		}
		catch (SQLException ex) {
			throw new LitestreamException("Snapshot of database '" + this.name + "' failed: " + ex.getMessage(), ex);
		}
		finally {
			this.state.unlock();
		}
		if (changed) {
			this.state.changed();
		}
		return frozenAt;
	}

	private void thaw() {
		this.state.lock();
		try {
			this.mark.thaw();
		}
		finally {
			this.state.unlock();
		}
	}

}
