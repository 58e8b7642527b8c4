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
 * @param generation the generation to restore from; null picks the latest (or the one
 * live at {@code timestamp})
 * @param timestamp restore the state as of this time; null for the latest
 * @param index restore up to and including this WAL index; null for all (not with
 * {@code timestamp})
 * @param parallelism how many objects are downloaded at once; small WAL segments eight
 * times as many (a long tail is bound by the store's round trips, not its bandwidth)
 * @param overwrite replace an existing file at {@code outputPath}
 * @param integrityCheck run {@code PRAGMA integrity_check} on the result before it is
 * moved into place
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
		requireIndex(index);
		requireParallelism(parallelism);
	}

	/** The latest state into {@code outputPath}, with every default. */
	public static RestoreOptions latest(Path outputPath) {
		return builder(outputPath).build();
	}

	/**
	 * Starts a restore into {@code outputPath}: by default the latest state of the latest
	 * generation, with {@value #DEFAULT_PARALLELISM} downloads at once, never over an
	 * existing file, with the integrity check.
	 * @param outputPath the database file to create
	 * @return the builder
	 * @throws NullPointerException when {@code outputPath} is null
	 */
	public static Builder builder(Path outputPath) {
		return new Builder(outputPath);
	}

	/** Starts a builder with these options, to change some of them. */
	public Builder toBuilder() {
		return new Builder(this.outputPath).generation(this.generation)
			.timestamp(this.timestamp)
			.index(this.index)
			.parallelism(this.parallelism)
			.overwrite(this.overwrite)
			.integrityCheck(this.integrityCheck);
	}

	private static @Nullable Long requireIndex(@Nullable Long index) {
		if (index != null && index < 0) {
			throw new IllegalArgumentException("WAL index must be >= 0: " + index);
		}
		return index;
	}

	private static int requireParallelism(int parallelism) {
		if (parallelism < 1) {
			throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
		}
		return parallelism;
	}

	/**
	 * Builds {@link RestoreOptions}: each setter checks its own value, by the rule the
	 * record's constructor applies; {@link #build()} checks that a timestamp and an index
	 * are not both set.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final Path outputPath;

		private @Nullable Generation generation;

		private @Nullable Instant timestamp;

		private @Nullable Long index;

		private int parallelism = DEFAULT_PARALLELISM;

		private boolean overwrite;

		private boolean integrityCheck = true;

		private Builder(Path outputPath) {
			this.outputPath = Objects.requireNonNull(outputPath, "'outputPath' must not be null");
		}

		/**
		 * The generation to restore from.
		 * @param generation the generation, or null for the latest (or the one live at
		 * the timestamp)
		 * @return this builder
		 */
		public Builder generation(@Nullable Generation generation) {
			this.generation = generation;
			return this;
		}

		/**
		 * Restore the state as of this time; not with an index.
		 * @param timestamp the time, or null for the latest state
		 * @return this builder
		 */
		public Builder timestamp(@Nullable Instant timestamp) {
			this.timestamp = timestamp;
			return this;
		}

		/**
		 * Restore up to and including this WAL index; not with a timestamp.
		 * @param index 0 or more, or null for all
		 * @return this builder
		 * @throws IllegalArgumentException when {@code index} is negative
		 */
		public Builder index(@Nullable Long index) {
			this.index = requireIndex(index);
			return this;
		}

		/**
		 * How many objects are downloaded at once.
		 * @param parallelism 1 or more
		 * @return this builder
		 * @throws IllegalArgumentException when {@code parallelism} is below 1
		 */
		public Builder parallelism(int parallelism) {
			this.parallelism = requireParallelism(parallelism);
			return this;
		}

		/**
		 * Whether an existing file at the output path is replaced.
		 * @param overwrite whether to replace it
		 * @return this builder
		 */
		public Builder overwrite(boolean overwrite) {
			this.overwrite = overwrite;
			return this;
		}

		/**
		 * Whether {@code PRAGMA integrity_check} runs on the result before it is moved
		 * into place.
		 * @param integrityCheck whether to check
		 * @return this builder
		 */
		public Builder integrityCheck(boolean integrityCheck) {
			this.integrityCheck = integrityCheck;
			return this;
		}

		/**
		 * Builds the options.
		 * @return the options
		 * @throws IllegalArgumentException when both a timestamp and an index are set
		 */
		public RestoreOptions build() {
			return new RestoreOptions(this.outputPath, this.generation, this.timestamp, this.index, this.parallelism,
					this.overwrite, this.integrityCheck);
		}

	}

}
