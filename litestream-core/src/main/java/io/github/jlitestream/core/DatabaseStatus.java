package io.github.jlitestream.core;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.github.jlitestream.core.lease.LocalLock;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of one database's replication, for health checks, metrics and
 * endpoints.
 *
 * @param name the logical name
 * @param path the database file
 * @param position the shadow WAL position, null before the first sync
 * @param databaseSize the database file's size in bytes
 * @param walSize the WAL file's size in bytes
 * @param lastSyncAt when the WAL was last copied
 * @param lastCheckpointAt when the engine last checkpointed
 * @param lastError the last failure of the database's monitor, null after a success
 * @param replicas the status of each replica
 * @param role whether this engine replicates the database or waits for another one on
 * this host
 * @param localHolder the engine that replicates it while this one waits, or null
 * @param threads the engine's threads for the database, with their unexpected failures
 * @since 0.1.0
 */
public record DatabaseStatus(String name, Path path, @Nullable Position position, long databaseSize, long walSize,
		@Nullable Instant lastSyncAt, @Nullable Instant lastCheckpointAt, @Nullable String lastError,
		List<ReplicaStatus> replicas, ReplicationRole role, LocalLock.@Nullable Holder localHolder,
		List<ThreadStatus> threads) {
}
