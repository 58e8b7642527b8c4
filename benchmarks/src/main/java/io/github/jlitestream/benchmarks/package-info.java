/**
 * Side-by-side measurements of this engine against Litestream v0.3.13: throughput, lag,
 * restore and storage. They print ratios against a baseline run on the same machine;
 * tests check behaviour, these measure speed.
 */
package io.github.jlitestream.benchmarks;
