/**
 * The operator's command line: restore, list, inspect and verify a replica outside the
 * application, with Litestream v0.3.13's command names and flags.
 */
@NullMarked
package io.github.jlitestream.cli;

import org.jspecify.annotations.NullMarked;
