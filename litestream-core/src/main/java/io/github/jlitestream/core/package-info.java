/**
 * The replication engine: databases, replicas, positions, generations and the
 * {@link io.github.jlitestream.core.ReplicaClient} seam.
 */
@NullMarked
package io.github.jlitestream.core;

import org.jspecify.annotations.NullMarked;
