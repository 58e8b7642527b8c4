/**
 * Test support for modules that need a real S3 server:
 * {@link io.github.jlitestream.s3.testing.S3ProxyServer}.
 */
@NullMarked
package io.github.jlitestream.s3.testing;

import org.jspecify.annotations.NullMarked;
