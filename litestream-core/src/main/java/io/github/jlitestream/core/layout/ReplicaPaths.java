package io.github.jlitestream.core.layout;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;

/**
 * Formats and parses the object names of Litestream v0.3.13's replica layout, relative to
 * the replica root: <pre>
 * generations/&lt;generation&gt;/snapshots/&lt;index %08x&gt;.snapshot.lz4
 * generations/&lt;generation&gt;/wal/&lt;index %08x&gt;_&lt;offset %08x&gt;.wal.lz4
 * </pre> ({@code .zst} instead of {@code .lz4} for zstd replicas, which only this project
 * reads). No other class builds or parses these names.
 *
 * @since 0.1.0
 */
public final class ReplicaPaths {

	/** The directory that holds every generation. */
	public static final String GENERATIONS = "generations";

	/**
	 * The replica's lease object, beside {@link #GENERATIONS}: Litestream v0.3 lists only
	 * that directory and ignores it.
	 */
	public static final String LEASE = "lease";

	/**
	 * The largest offset a segment name can hold: 8 hex digits, as v0.3.13's parser
	 * requires.
	 */
	public static final long MAX_OFFSET = 0xFFFFFFFFL;

	private static final Pattern SNAPSHOT = Pattern.compile("^([0-9a-f]{8})\\.snapshot\\.(lz4|zst)$");

	private static final Pattern WAL_SEGMENT = Pattern.compile("^([0-9a-f]{8})_([0-9a-f]{8})\\.wal\\.(lz4|zst)$");

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
	public static String snapshotName(long index, Compression compression) {
		checkIndex(index);
		return "%08x.snapshot.%s".formatted(index, compression.extension());
	}

	/** The file name of an LZ4 WAL segment, without directory. */
	public static String walSegmentName(long index, long offset) {
		return walSegmentName(index, offset, Compression.LZ4);
	}

	/** The file name of a WAL segment, without directory. */
	public static String walSegmentName(long index, long offset, Compression compression) {
		checkIndex(index);
		if (offset < 0 || offset > MAX_OFFSET) {
			throw new IllegalArgumentException(
					"WAL offset %d does not fit the replica format's 8 hex digits (WAL files above 4 GiB)"
						.formatted(offset));
		}
		return "%08x_%08x.wal.%s".formatted(index, offset, compression.extension());
	}

	/** {@code generations/<generation>/snapshots/<index>.snapshot.<ext>}. */
	public static String snapshotKey(Generation generation, long index, Compression compression) {
		return snapshotsDir(generation) + "/" + snapshotName(index, compression);
	}

	/** The key of a listed snapshot. */
	public static String key(SnapshotInfo snapshot) {
		return snapshotKey(snapshot.generation(), snapshot.index(), snapshot.compression());
	}

	/** {@code generations/<generation>/wal/<index>_<offset>.wal.<ext>}. */
	public static String walSegmentKey(Generation generation, long index, long offset, Compression compression) {
		return walDir(generation) + "/" + walSegmentName(index, offset, compression);
	}

	/** The key of a listed WAL segment. */
	public static String key(WalSegmentInfo segment) {
		return walSegmentKey(segment.generation(), segment.index(), segment.offset(), segment.compression());
	}

	/** Parses a snapshot file name into its index; empty for any other name. */
	public static OptionalLong parseSnapshotName(String name) {
		Matcher m = SNAPSHOT.matcher(name);
		return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1), 16)) : OptionalLong.empty();
	}

	/**
	 * Parses the compression of a snapshot or WAL segment name; empty for any other name.
	 */
	public static Optional<Compression> parseCompression(String name) {
		Matcher m = SNAPSHOT.matcher(name);
		if (m.matches()) {
			return Optional.ofNullable(Compression.ofExtension(m.group(2)));
		}
		m = WAL_SEGMENT.matcher(name);
		return m.matches() ? Optional.ofNullable(Compression.ofExtension(m.group(3))) : Optional.empty();
	}

	/** Parses a WAL segment file name; empty for any other name. */
	public static Optional<SegmentName> parseWalSegmentName(String name) {
		Matcher m = WAL_SEGMENT.matcher(name);
		if (!m.matches()) {
			return Optional.empty();
		}
		return Optional.of(new SegmentName(Long.parseLong(m.group(1), 16), Long.parseLong(m.group(2), 16),
				Compression.ofExtension(m.group(3))));
	}

	private static void checkIndex(long index) {
		if (index < 0 || index > Position.MAX_INDEX) {
			throw new IllegalArgumentException("WAL index out of range: " + index);
		}
	}

	/**
	 * The index and offset a WAL segment's name holds.
	 *
	 * @param index the WAL index
	 * @param offset the byte offset
	 * @param compression how it is compressed
	 */
	public record SegmentName(long index, long offset, Compression compression) {
	}

}
