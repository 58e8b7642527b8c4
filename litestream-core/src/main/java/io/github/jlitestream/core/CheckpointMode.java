package io.github.jlitestream.core;

/**
 * How hard a checkpoint tries. Every mode first copies the WAL's last frames while holding SQLite's write lock, so
 * no committed frame can be lost to the WAL restart that follows.
 *
 * @since 0.1.0
 */
public enum CheckpointMode {

	/** Backfill what readers allow, then start the next WAL index if everything was backfilled. */
	PASSIVE,

	/** Like passive, but retry for a while when readers hold back the backfill. */
	RESTART,

	/** Like restart, and shrink the WAL file when the next WAL lifetime starts. */
	TRUNCATE

}
