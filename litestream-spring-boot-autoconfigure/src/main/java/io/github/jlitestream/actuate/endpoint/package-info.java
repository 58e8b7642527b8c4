/** The {@code litestream} actuator endpoint. */
@NullMarked
package io.github.jlitestream.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
