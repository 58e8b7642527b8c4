/**
 * Rolling the live database back to a point in time: staged while the application runs,
 * applied at its next start before anything opens the database, crash-safe at every step.
 */
@NullMarked
package io.github.jlitestream.core.rollback;

import org.jspecify.annotations.NullMarked;
