/**
 * Mechanics shared by several packages: durable local file writes, SQLite's sibling files
 * and daemon threads. Internal: no compatibility promise.
 */
@NullMarked
package io.github.jlitestream.core.util;

import org.jspecify.annotations.NullMarked;
