package io.github.jlitestream.core.capture;

/**
 * SQLite's answer to {@code PRAGMA wal_checkpoint}.
 *
 * @param busy whether the checkpoint was blocked (by readers, or by another connection's
 * checkpoint)
 * @param walFrames the frames in the WAL, -1 when the checkpoint could not run at all
 * @param checkpointedFrames the frames backfilled into the database file, -1 likewise
 */
record CheckpointResult(boolean busy, int walFrames, int checkpointedFrames) {

	/** The whole WAL is in the database file: a write may restart it. */
	boolean fullyBackfilled() {
		return !this.busy && this.walFrames == this.checkpointedFrames;
	}

	/**
	 * SQLite's answer when another connection is running a checkpoint: busy, and no frame
	 * counts.
	 */
	boolean otherCheckpointerRunning() {
		return this.busy && this.walFrames < 0;
	}

	/**
	 * SQLite's three columns as the log has always shown them,
	 * {@code [busy, wal frames, checkpointed frames]}.
	 */
	@Override
	public String toString() {
		return "[" + (this.busy ? 1 : 0) + ", " + this.walFrames + ", " + this.checkpointedFrames + "]";
	}

}
