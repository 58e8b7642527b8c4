/** Micrometer metrics of replication. */
@NullMarked
package io.github.jlitestream.metrics;

import org.jspecify.annotations.NullMarked;
