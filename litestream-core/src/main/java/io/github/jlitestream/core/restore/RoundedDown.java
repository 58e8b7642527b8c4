package io.github.jlitestream.core.restore;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Why a point-in-time restore stopped short of its target: an object the store lists
 * within its time resolution before the target has no exact creation time (Litestream
 * records none, nor did this library's earlier builds), so it may hold commits made after
 * the target and was left out, with everything written after it. The restored state is
 * then an earlier one than the target's.
 *
 * @param objectKey the object left out, relative to the replica root
 * @param listedAt its time in the store's listing
 * @param resolution how coarse that time is: the object was created before
 * {@code listedAt} plus this
 * @since 0.1.0
 */
public record RoundedDown(String objectKey, Instant listedAt, Duration resolution) {

	public RoundedDown {
		Objects.requireNonNull(objectKey, "'objectKey' must not be null");
		Objects.requireNonNull(listedAt, "'listedAt' must not be null");
		Objects.requireNonNull(resolution, "'resolution' must not be null");
	}

	/** A sentence for logs and errors, about a restore to {@code target}. */
	public String describe(Instant target) {
		return "restore target " + target + " rounded down: " + this.objectKey + " is listed at " + this.listedAt
				+ " (the store's times are to " + this.resolution.toMillis() + " ms) and has no exact creation time, "
				+ "so it may hold commits after the target; it and what was written after it are left out";
	}

}
