package io.github.jlitestream.core.lease;

/**
 * What an instance is to a replica, by its {@link ReplicaLease}.
 *
 * @since 0.1.0
 */
public enum LeaseRole {

	/** Not known yet: the lease was not read yet, or the store did not answer. */
	ACQUIRING,

	/** This instance holds the lease and writes the replica. */
	PRIMARY,

	/** Another instance holds the lease; this one waits to take over. */
	STANDBY,

	/**
	 * This instance held the lease but could not renew it in time; it does not write
	 * until it holds it again.
	 */
	LOST,

	/** Given up at a graceful stop. */
	RELEASED

}
