/**
 * A notes service on SQLite whose database the Litestream starter restores at startup and
 * replicates while it runs.
 */
@NullMarked
package io.github.jlitestream.sample;

import org.jspecify.annotations.NullMarked;
