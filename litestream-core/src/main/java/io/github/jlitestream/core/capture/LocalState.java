package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.util.LocalFiles;
import io.github.jlitestream.core.wal.WalHeader;
import org.jspecify.annotations.Nullable;

/**
 * The engine's local directory beside a database ({@code .<db>-litestream}, Litestream's
 * layout): the {@code generation} file and the shadow WAL files
 * {@code generations/<generation>/wal/<index>.wal}.
 */
final class LocalState {

	private final Path metaPath;

	LocalState(Path metaPath) {
		this.metaPath = metaPath;
	}

	/** Removes upload spools a crash left behind in {@code tmp/}. */
	void removeSpools() throws IOException {
		Path dir = this.metaPath.resolve("tmp");
		if (Files.isDirectory(dir)) {
			try (Stream<Path> files = Files.list(dir)) {
				for (Path file : files.toList()) {
					Files.deleteIfExists(file);
				}
			}
		}
	}

	private Path walDir(Generation generation) {
		return this.metaPath.resolve("generations").resolve(generation.id()).resolve("wal");
	}

	Path shadowPath(@Nullable Generation generation, long index) {
		if (generation == null) {
			throw new IllegalStateException("no generation");
		}
		return walDir(generation).resolve("%08x.wal".formatted(index));
	}

	private static long parseShadowIndex(String fileName) {
		if (fileName.length() == 12 && fileName.endsWith(".wal")) {
			try {
				return Long.parseLong(fileName.substring(0, 8), 16);
			}
			catch (NumberFormatException ex) {
				return -1;
			}
		}
		return -1;
	}

	/**
	 * The committed size of a WAL index's shadow file, or -1 when there is none, or only
	 * a file shorter than a WAL header: a creation a full disk cut short, which holds
	 * nothing of the index (uploading past it would leave a gap no restore crosses).
	 */
	long shadowSize(Generation generation, long index) throws IOException {
		Path file = shadowPath(generation, index);
		if (!Files.exists(file)) {
			return -1;
		}
		long size = Files.size(file);
		return (size < WalHeader.SIZE) ? -1 : size;
	}

	/** Opens {@code length} bytes of a WAL index's shadow file at {@code offset}. */
	InputStream openShadow(Generation generation, long index, long offset, long length) throws IOException {
		Path file = shadowPath(generation, index);
		FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
		channel.position(offset);
		return new BoundedInputStream(Channels.newInputStream(channel), length);
	}

	/** Deletes a generation's shadow WAL files below {@code index}. */
	void deleteShadowsBelow(Generation generation, long index) throws IOException {
		Path dir = walDir(generation);
		if (!Files.isDirectory(dir)) {
			return;
		}
		try (Stream<Path> files = Files.list(dir)) {
			for (Path file : files.toList()) {
				long fileIndex = parseShadowIndex(file.getFileName().toString());
				if (fileIndex >= 0 && fileIndex < index) {
					Files.deleteIfExists(file);
				}
			}
		}
	}

	long lastShadowIndex(Generation generation) throws IOException {
		Path dir = walDir(generation);
		if (!Files.isDirectory(dir)) {
			return -1;
		}
		try (Stream<Path> files = Files.list(dir)) {
			return files.mapToLong((file) -> parseShadowIndex(file.getFileName().toString())).max().orElse(-1);
		}
	}

	@Nullable Generation readGenerationFile() throws IOException {
		Path file = this.metaPath.resolve("generation");
		if (!Files.exists(file)) {
			return null;
		}
		String id = Files.readString(file, StandardCharsets.UTF_8).trim();
		return Generation.isValid(id) ? new Generation(id) : null;
	}

	void writeGenerationFile(Generation generation) throws IOException {
		Path file = this.metaPath.resolve("generation");
		try {
			Files.createDirectories(this.metaPath);
			LocalFiles.writeAtomically(file,
					(tmp) -> Files.writeString(tmp, generation.id() + "\n", StandardCharsets.UTF_8), true);
		}
		catch (IOException ex) {
			throw new IOException("cannot record the generation in " + file + ": " + ex.getMessage(), ex);
		}
	}

	void removeGeneration(Generation generation) throws IOException {
		Path dir = this.metaPath.resolve("generations").resolve(generation.id());
		if (Files.exists(dir)) {
			LocalFiles.deleteTree(dir);
		}
	}

	void removeOtherGenerations(Generation keep) throws IOException {
		Path dir = this.metaPath.resolve("generations");
		if (!Files.isDirectory(dir)) {
			return;
		}
		try (Stream<Path> children = Files.list(dir)) {
			for (Path child : children.toList()) {
				if (!child.getFileName().toString().equals(keep.id())) {
					LocalFiles.deleteTree(child);
				}
			}
		}
	}

}
