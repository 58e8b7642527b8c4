/** Auto-configuration of the {@code litestream} actuator endpoint. */
@NullMarked
package io.github.jlitestream.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
