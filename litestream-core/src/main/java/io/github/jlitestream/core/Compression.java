package io.github.jlitestream.core;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * How replica objects are compressed; the object name's extension says which. LZ4 frames
 * are Litestream v0.3's format; zstd replicas are smaller but only this project reads
 * them (Litestream ignores other extensions).
 *
 * @since 0.1.0
 */
public enum Compression {

	/** One LZ4 frame per object, as Litestream v0.3 writes: {@code .lz4}. */
	LZ4("lz4"),

	/** One zstd frame per object: {@code .zst}. */
	ZSTD("zst");

	private final String extension;

	Compression(String extension) {
		this.extension = extension;
	}

	/** The file-name extension, without the dot. */
	public String extension() {
		return this.extension;
	}

	/** The compression of an extension, or null for an unknown one. */
	public static @Nullable Compression ofExtension(String extension) {
		for (Compression compression : values()) {
			if (compression.extension.equals(extension)) {
				return compression;
			}
		}
		return null;
	}

	/** Parses a configuration value: {@code lz4} or {@code zstd}. */
	public static Compression parse(String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "lz4" -> LZ4;
			case "zstd", "zst" -> ZSTD;
			default -> throw new IllegalArgumentException("Unknown compression '" + value + "': use lz4 or zstd");
		};
	}

}
