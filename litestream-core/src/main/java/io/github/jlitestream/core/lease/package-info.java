/**
 * One writer per database and per replica: the {@link LocalLock} that lets one engine on
 * a host replicate a database file, and the {@link ReplicaLease} that lets one instance
 * write a replica, with its fencing.
 */
@NullMarked
package io.github.jlitestream.core.lease;

import org.jspecify.annotations.NullMarked;
