/** The replication health indicator. */
@NullMarked
package io.github.jlitestream.health;

import org.jspecify.annotations.NullMarked;
