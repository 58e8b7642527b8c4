package io.github.jlitestream.core;

/**
 * What an engine is to a database on its host: only one engine at a time replicates a
 * database file.
 *
 * @since 0.1.0
 */
public enum ReplicationRole {

	/** This engine holds the database's local lock and replicates it. */
	PRIMARY,

	/**
	 * Another engine (in this process or another) replicates the database; this one waits
	 * and takes over when it stops. The application keeps working: only replication
	 * waits.
	 */
	STANDBY,

	/** Not started, or stopped. */
	STOPPED

}
