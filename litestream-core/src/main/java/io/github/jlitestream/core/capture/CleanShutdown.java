package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.util.LocalFiles;
import io.github.jlitestream.core.wal.WalHeader;
import net.jpountz.xxhash.StreamingXXHash64;
import net.jpountz.xxhash.XXHashFactory;
import org.jspecify.annotations.Nullable;

/**
 * What the engine knew when it last stopped cleanly: the position and the database file's
 * fingerprint, written after the whole WAL was backfilled. Read (and removed) at the next
 * start, it proves continuity when SQLite has deleted the WAL in the meantime.
 *
 * @param generation the generation
 * @param index the last WAL index, fully copied
 * @param walHeader the header of that index
 * @param fingerprint size and content hash of the database file
 */
record CleanShutdown(Generation generation, long index, WalHeader walHeader, String fingerprint) {

	private static final String FILE = "clean-shutdown";

	/** Bytes of the database file hashed per read. */
	private static final int HASH_CHUNK = 1024 * 1024;

	/**
	 * The database file's size and a hash of its content, read through the engine's own
	 * handle (closing another descriptor of the file would drop SQLite's locks). Content,
	 * not metadata: a same-size change within one timestamp tick (a second on several
	 * file systems) leaves identity, size and modification time as they were.
	 */
	static String fingerprint(Path database, DatabaseFiles.Handle file) throws IOException {
		long size = file.size();
		try (StreamingXXHash64 hash = XXHashFactory.fastestInstance().newStreamingHash64(0)) {
			byte[] buffer = new byte[(int) Math.min(HASH_CHUNK, Math.max(size, 1))];
			long position = 0;
			while (position < size) {
				int n = file.read(position, buffer, 0, (int) Math.min(buffer.length, size - position));
				if (n <= 0) {
					throw new IOException("Database file " + database + " ended at " + position + " of " + size
							+ " bytes while it was fingerprinted");
				}
				hash.update(buffer, 0, n);
				position += n;
			}
			return "size=" + size + " xxh64=" + Long.toHexString(hash.getValue());
		}
	}

	static void write(Path metaPath, CleanShutdown record) throws IOException {
		Files.createDirectories(metaPath);
		LocalFiles.writeAtomically(metaPath.resolve(FILE),
				(tmp) -> Files.write(tmp,
						List.of(record.generation().id(), Long.toString(record.index()),
								HexFormat.of().formatHex(record.walHeader().bytes()), record.fingerprint()),
						StandardCharsets.UTF_8),
				true);
	}

	/** Reads and deletes the record; null when there is none or it cannot be read. */
	static @Nullable CleanShutdown take(Path metaPath) throws IOException {
		Path file = metaPath.resolve(FILE);
		if (!Files.exists(file)) {
			return null;
		}
		try {
			List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
			return new CleanShutdown(new Generation(lines.get(0)), Long.parseLong(lines.get(1)),
					new WalHeader(HexFormat.of().parseHex(lines.get(2))), lines.get(3));
		}
		catch (RuntimeException ex) {
			return null;
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

}
