/**
 * The {@code litestream} contribution to {@code /actuator/info}.
 */
@NullMarked
package io.github.jlitestream.actuate.info;

import org.jspecify.annotations.NullMarked;
