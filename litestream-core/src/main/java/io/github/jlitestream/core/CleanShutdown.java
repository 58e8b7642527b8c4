package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.List;

import io.github.jlitestream.core.wal.WalHeader;
import org.jspecify.annotations.Nullable;

/**
 * What the engine knew when it last stopped cleanly: the position and the database file's fingerprint, written
 * after the whole WAL was backfilled. Read (and removed) at the next start, it proves continuity when SQLite has
 * deleted the WAL in the meantime.
 *
 * @param generation the generation
 * @param index the last WAL index, fully copied
 * @param walHeader the header of that index
 * @param fingerprint identity, size and modification time of the database file
 */
record CleanShutdown(Generation generation, long index, WalHeader walHeader, String fingerprint) {

	private static final String FILE = "clean-shutdown";

	static String fingerprint(Path database) throws IOException {
		BasicFileAttributes attributes = Files.readAttributes(database, BasicFileAttributes.class);
		return attributes.fileKey() + " " + attributes.size() + " " + attributes.lastModifiedTime().toInstant();
	}

	static void write(Path metaPath, CleanShutdown record) throws IOException {
		Files.createDirectories(metaPath);
		Path tmp = metaPath.resolve(FILE + ".tmp");
		Files.write(tmp, List.of(record.generation().id(), Long.toString(record.index()),
				HexFormat.of().formatHex(record.walHeader().bytes()), record.fingerprint()), StandardCharsets.UTF_8);
		Files.move(tmp, metaPath.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
