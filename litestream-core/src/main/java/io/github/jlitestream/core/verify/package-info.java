/**
 * Scheduled verification of a replica: its latest state restored and compared, row for
 * row, with the database at the same position.
 */
@NullMarked
package io.github.jlitestream.core.verify;

import org.jspecify.annotations.NullMarked;
