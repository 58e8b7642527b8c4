/**
 * Object keys of the Litestream v0.3 replica layout: the only place that formats or
 * parses them.
 */
@NullMarked
package io.github.jlitestream.core.layout;

import org.jspecify.annotations.NullMarked;
