package io.github.jlitestream.core;

import java.util.Comparator;
import java.util.Objects;

/**
 * A place in the WAL history of a database: a generation, a WAL index inside it and a
 * byte offset inside that index's WAL file.
 *
 * @param generation the generation
 * @param index the WAL index, 0 to {@link #MAX_INDEX}
 * @param offset the byte offset inside the WAL file of that index
 * @since 0.1.0
 */
public record Position(Generation generation, long index, long offset) implements Comparable<Position> {

	/** The highest WAL index; reaching it starts a new generation. */
	public static final long MAX_INDEX = 0x7FFFFFFFL;

	private static final Comparator<Position> ORDER = Comparator.comparing(Position::generation)
		.thenComparingLong(Position::index)
		.thenComparingLong(Position::offset);

	public Position {
		Objects.requireNonNull(generation, "'generation' must not be null");
		if (index < 0 || index > MAX_INDEX) {
			throw new IllegalArgumentException("WAL index out of range: " + index);
		}
		if (offset < 0) {
			throw new IllegalArgumentException("WAL offset must be >= 0: " + offset);
		}
	}

	/** Returns the position at the given offset in the same generation and index. */
	public Position withOffset(long newOffset) {
		return new Position(this.generation, this.index, newOffset);
	}

	/**
	 * Compares positions of the same generation; positions of different generations are
	 * ordered by name only, which says nothing about time.
	 */
	@Override
	public int compareTo(Position other) {
		return ORDER.compare(this, other);
	}

	/** Litestream's human-readable form, {@code <generation>/<index %08x>:<offset>}. */
	@Override
	public String toString() {
		return "%s/%08x:%d".formatted(this.generation, this.index, this.offset);
	}

}
