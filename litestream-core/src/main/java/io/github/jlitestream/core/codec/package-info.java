/**
 * The stream pipeline every replica object passes through: LZ4 frames now, encryption
 * later.
 */
@NullMarked
package io.github.jlitestream.core.codec;

import org.jspecify.annotations.NullMarked;
