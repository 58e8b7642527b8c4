package io.github.jlitestream.core.layout;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jlitestream.core.Generation;

/**
 * Formats and parses the object names of Litestream v0.3.13's replica layout, relative to the replica root:
 * <pre>
 * generations/&lt;generation&gt;/snapshots/&lt;index %08x&gt;.snapshot.lz4
 * generations/&lt;generation&gt;/wal/&lt;index %08x&gt;_&lt;offset %08x&gt;.wal.lz4
 * </pre>
 * No other class builds or parses these names.
 *
 * @since 0.1.0
 */
public final class ReplicaPaths {

	/** The directory that holds every generation. */
	public static final String GENERATIONS = "generations";

	/** The largest offset a segment name can hold: 8 hex digits, as v0.3.13's parser requires. */
	public static final long MAX_OFFSET = 0xFFFFFFFFL;

	private static final Pattern SNAPSHOT = Pattern.compile("^([0-9a-f]{8})\\.snapshot\\.lz4$");

	private static final Pattern WAL_SEGMENT = Pattern.compile("^([0-9a-f]{8})_([0-9a-f]{8})\\.wal\\.lz4$");

	private ReplicaPaths() {
	}

	/** {@code generations/<generation>}. */
	public static String generationDir(Generation generation) {
		return GENERATIONS + "/" + generation.id();
	}

	/** {@code generations/<generation>/snapshots}. */
	public static String snapshotsDir(Generation generation) {
		return generationDir(generation) + "/snapshots";
	}

	/** {@code generations/<generation>/wal}. */
	public static String walDir(Generation generation) {
		return generationDir(generation) + "/wal";
	}

	/** The file name of a snapshot, without directory. */
	public static String snapshotName(long index) {
		checkIndex(index);
		return "%08x.snapshot.lz4".formatted(index);
	}

	/** The file name of a WAL segment, without directory. */
	public static String walSegmentName(long index, long offset) {
		checkIndex(index);
		if (offset < 0 || offset > MAX_OFFSET) {
			throw new IllegalArgumentException(
					"WAL offset %d does not fit the replica format's 8 hex digits (WAL files above 4 GiB)".formatted(offset));
		}
		return "%08x_%08x.wal.lz4".formatted(index, offset);
	}

	/** {@code generations/<generation>/snapshots/<index>.snapshot.lz4}. */
	public static String snapshotKey(Generation generation, long index) {
		return snapshotsDir(generation) + "/" + snapshotName(index);
	}

	/** {@code generations/<generation>/wal/<index>_<offset>.wal.lz4}. */
	public static String walSegmentKey(Generation generation, long index, long offset) {
		return walDir(generation) + "/" + walSegmentName(index, offset);
	}

	/** Parses a snapshot file name into its index; empty for any other name. */
	public static OptionalLong parseSnapshotName(String name) {
		Matcher m = SNAPSHOT.matcher(name);
		return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1), 16)) : OptionalLong.empty();
	}

	/** Parses a WAL segment file name; empty for any other name. */
	public static Optional<SegmentName> parseWalSegmentName(String name) {
		Matcher m = WAL_SEGMENT.matcher(name);
		if (!m.matches()) {
			return Optional.empty();
		}
		return Optional.of(new SegmentName(Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16)));
	}

	private static void checkIndex(long index) {
		if (index < 0 || index > 0x7FFFFFFFL) {
			throw new IllegalArgumentException("WAL index out of range: " + index);
		}
	}

	/**
	 * The index and offset a WAL segment's name holds.
	 *
	 * @param index the WAL index
	 * @param offset the byte offset
	 */
	public record SegmentName(long index, long offset) {
	}

}
