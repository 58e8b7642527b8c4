/**
 * Ship, the second stage: the shadow WAL sent to a replica's store. WAL segments and
 * their encode-ahead drafts, snapshots, retention and the accounting of what the store
 * holds.
 */
@NullMarked
package io.github.jlitestream.core.ship;

import org.jspecify.annotations.NullMarked;
