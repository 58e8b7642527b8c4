/**
 * Auto-configuration of what the actuator's info, env and configprops endpoints show of
 * replication.
 */
@NullMarked
package io.github.jlitestream.autoconfigure.info;

import org.jspecify.annotations.NullMarked;
