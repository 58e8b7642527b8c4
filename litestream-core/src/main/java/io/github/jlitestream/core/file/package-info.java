/** A replica in a local directory ({@code file://} URLs). */
@NullMarked
package io.github.jlitestream.core.file;

import org.jspecify.annotations.NullMarked;
