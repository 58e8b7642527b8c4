/** SQLite WAL format: headers, frames, checksums and the shadow WAL. */
@NullMarked
package io.github.jlitestream.core.wal;

import org.jspecify.annotations.NullMarked;
