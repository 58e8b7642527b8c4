/**
 * Spring Boot auto-configuration of Litestream replication: properties, restore before
 * the DataSource, and the replication lifecycle.
 */
@NullMarked
package io.github.jlitestream.autoconfigure;

import org.jspecify.annotations.NullMarked;
