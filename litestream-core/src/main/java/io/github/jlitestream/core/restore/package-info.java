/** Restore of a database from a replica, verifying every object it reads. */
@NullMarked
package io.github.jlitestream.core.restore;

import org.jspecify.annotations.NullMarked;
