package io.github.jlitestream.core.restore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

import io.github.jlitestream.core.Generation;
import org.jspecify.annotations.Nullable;

/**
 * What to restore and where.
 *
 * @param outputPath the database file to create
 * @param generation the generation to restore from; null picks the latest (or the one live at {@code timestamp})
 * @param timestamp restore the state as of this time; null for the latest
 * @param index restore up to and including this WAL index; null for all (not with {@code timestamp})
 * @param parallelism how many objects are downloaded at once
 * @param overwrite replace an existing file at {@code outputPath}
 * @param integrityCheck run {@code PRAGMA integrity_check} on the result before it is moved into place
 * @since 0.1.0
 */
public record RestoreOptions(Path outputPath, @Nullable Generation generation, @Nullable Instant timestamp,
		@Nullable Long index, int parallelism, boolean overwrite, boolean integrityCheck) {

	/** Litestream's default download parallelism. */
	public static final int DEFAULT_PARALLELISM = 8;

	public RestoreOptions {
		Objects.requireNonNull(outputPath, "'outputPath' must not be null");
		outputPath = outputPath.toAbsolutePath().normalize();
		if (timestamp != null && index != null) {
			throw new IllegalArgumentException("Restore to a timestamp or to an index, not both");
		}
		if (index != null && index < 0) {
			throw new IllegalArgumentException("WAL index must be >= 0: " + index);
		}
		if (parallelism < 1) {
			throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
		}
	}

	/** The latest state into {@code outputPath}, with every default. */
	public static RestoreOptions latest(Path outputPath) {
		return new RestoreOptions(outputPath, null, null, null, DEFAULT_PARALLELISM, false, true);
	}

	/** Returns a copy that restores the state as of {@code time}. */
	public RestoreOptions at(Instant time) {
		return new RestoreOptions(this.outputPath, this.generation, time, null, this.parallelism, this.overwrite,
				this.integrityCheck);
	}

	/** Returns a copy that restores up to WAL index {@code walIndex} of {@code from}. */
	public RestoreOptions upToIndex(@Nullable Generation from, long walIndex) {
		return new RestoreOptions(this.outputPath, from, null, walIndex, this.parallelism, this.overwrite,
				this.integrityCheck);
	}

	/** Returns a copy restoring from the given generation. */
	public RestoreOptions fromGeneration(@Nullable Generation from) {
		return new RestoreOptions(this.outputPath, from, this.timestamp, this.index, this.parallelism,
				this.overwrite, this.integrityCheck);
	}

	/** Returns a copy with another parallelism. */
	public RestoreOptions withParallelism(int downloads) {
		return new RestoreOptions(this.outputPath, this.generation, this.timestamp, this.index, downloads,
				this.overwrite, this.integrityCheck);
	}

	/** Returns a copy that may replace an existing output file. */
	public RestoreOptions overwriting(boolean replace) {
		return new RestoreOptions(this.outputPath, this.generation, this.timestamp, this.index, this.parallelism,
				replace, this.integrityCheck);
	}

	/** Returns a copy with or without the integrity check. */
	public RestoreOptions checkingIntegrity(boolean check) {
		return new RestoreOptions(this.outputPath, this.generation, this.timestamp, this.index, this.parallelism,
				this.overwrite, check);
	}

}
