/** Auto-configuration of the replication health indicator. */
@NullMarked
package io.github.jlitestream.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
