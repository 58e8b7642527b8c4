/**
 * The replication engine's public API: what applications, the Spring Boot starter and
 * store backends use.
 * <ul>
 * <li>The façade: {@link io.github.jlitestream.core.ReplicationManager} (many databases)
 * and {@link io.github.jlitestream.core.DatabaseReplication} (one database and its
 * replicas: start, stop, status, restore, {@code syncNow}, {@code snapshotNow}).</li>
 * <li>Options, built and checked by their builders:
 * {@link io.github.jlitestream.core.DatabaseOptions},
 * {@link io.github.jlitestream.core.ReplicaOptions}.</li>
 * <li>What it reports: {@link io.github.jlitestream.core.DatabaseStatus},
 * {@link io.github.jlitestream.core.ReplicaStatus},
 * {@link io.github.jlitestream.core.ReplicaStorage},
 * {@link io.github.jlitestream.core.ReplicationListener},
 * {@link io.github.jlitestream.core.CheckpointMode}.</li>
 * <li>The vocabulary of the replica layout:
 * {@link io.github.jlitestream.core.Generation},
 * {@link io.github.jlitestream.core.Position},
 * {@link io.github.jlitestream.core.SnapshotInfo},
 * {@link io.github.jlitestream.core.WalSegmentInfo},
 * {@link io.github.jlitestream.core.GenerationListing},
 * {@link io.github.jlitestream.core.Compression}.</li>
 * <li>The storage seam: {@link io.github.jlitestream.core.ReplicaClient},
 * {@link io.github.jlitestream.core.ForwardingReplicaClient},
 * {@link io.github.jlitestream.core.ObjectContent}.</li>
 * <li>Errors: {@link io.github.jlitestream.core.LitestreamException},
 * {@link io.github.jlitestream.core.CorruptReplicaException}.</li>
 * </ul>
 * The package-private classes here are the runtime behind the façade (the monitor and
 * replica threads and their pacing). The stages live in {@code capture}, {@code ship} and
 * {@code restore}; {@code restore} also has public API ({@code Restorer},
 * {@code RestoreOptions}, {@code RestoreResult}, {@code RestoreProgress},
 * {@code NoBackupException}). {@code wal} and {@code util} are internal, with no
 * compatibility promise.
 */
@NullMarked
package io.github.jlitestream.core;

import org.jspecify.annotations.NullMarked;
