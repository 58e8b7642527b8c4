/**
 * Capture, the first stage: SQLite's WAL copied into the shadow WAL. Generations and the
 * proof of continuity between copies, the engine's read transaction, checkpoints, the
 * clean-shutdown record and the commit log. The root package's runtime drives it;
 * {@code ship} reads what it captured.
 */
@NullMarked
package io.github.jlitestream.core.capture;

import org.jspecify.annotations.NullMarked;
