package io.github.jlitestream.core;

/**
 * How hard a checkpoint tries. Every mode first backfills, without blocking writers, what
 * the engine has copied; restart and truncate then copy the WAL's last frames while
 * holding SQLite's write lock, so that no committed frame can be lost to the WAL restart
 * that follows.
 *
 * @since 0.1.0
 */
public enum CheckpointMode {

	/**
	 * Backfill what the engine has copied and readers allow; writers never wait, and the
	 * WAL goes on (no new index, so no extra upload).
	 */
	PASSIVE,

	/**
	 * Backfill everything under the write lock, retrying for a while when readers hold it
	 * back, then start the next WAL index.
	 */
	RESTART,

	/** Like restart, and shrink the WAL file when the next WAL lifetime starts. */
	TRUNCATE

}
