package io.github.jlitestream.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot stored in a replica.
 *
 * @param generation its generation
 * @param index the WAL index it was taken in
 * @param size the stored (encoded) size in bytes
 * @param createdAt when the store recorded it (file mtime or S3 LastModified)
 * @param compression how it is compressed (its name's extension)
 * @since 0.1.0
 */
public record SnapshotInfo(Generation generation, long index, long size, Instant createdAt, Compression compression) {

	public SnapshotInfo {
		Objects.requireNonNull(generation, "'generation' must not be null");
		Objects.requireNonNull(createdAt, "'createdAt' must not be null");
		Objects.requireNonNull(compression, "'compression' must not be null");
	}

}
