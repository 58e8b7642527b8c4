/**
 * A {@link io.github.jlitestream.core.ReplicaClient} on the AWS SDK for Java v2
 * {@code S3Client}, for Amazon S3 and S3-compatible stores ({@code s3://} URLs).
 */
@NullMarked
package io.github.jlitestream.s3;

import org.jspecify.annotations.NullMarked;
