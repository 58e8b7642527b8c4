/** Auto-configuration of the replication metrics. */
@NullMarked
package io.github.jlitestream.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
