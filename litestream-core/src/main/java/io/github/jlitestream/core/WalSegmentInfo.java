package io.github.jlitestream.core;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A WAL segment stored in a replica: a byte range of one WAL index, starting at
 * {@code offset}.
 *
 * @param generation its generation
 * @param index the WAL index
 * @param offset the byte offset of its first byte in that index's WAL file
 * @param size the stored (encoded) size in bytes
 * @param createdAt when the store recorded it (file mtime or S3 LastModified)
 * @param compression how it is compressed (its name's extension)
 * @since 0.1.0
 */
public record WalSegmentInfo(Generation generation, long index, long offset, long size, Instant createdAt,
		Compression compression) {

	/** Orders segments by index, then offset. */
	public static final Comparator<WalSegmentInfo> BY_POSITION = Comparator.comparingLong(WalSegmentInfo::index)
		.thenComparingLong(WalSegmentInfo::offset);

	public WalSegmentInfo {
		Objects.requireNonNull(generation, "'generation' must not be null");
		Objects.requireNonNull(createdAt, "'createdAt' must not be null");
		Objects.requireNonNull(compression, "'compression' must not be null");
	}

	/** Returns the position of the segment's first byte. */
	public Position position() {
		return new Position(this.generation, this.index, this.offset);
	}

}
