package io.github.jlitestream.core;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What the scheduled verification of a replica found last: its latest state restored and
 * compared, row for row, with the database at the same position.
 *
 * @param lastAt when the last verification ended, or null before the first
 * @param lastOutcome {@code success}, {@code failure} or {@code skipped}, or null before
 * the first
 * @param lastProblem what the last failure found (the damaged object, or the tables that
 * differ), or why it was skipped; null after a success
 * @param lastPosition the position the last verification compared at, or null
 * @param lastSuccessAt when a verification last succeeded, or null
 * @param successes verifications that succeeded
 * @param failures verifications that failed
 * @param failing whether the last verification that was not skipped failed
 * @param longestWriteLock the longest time a verification held SQLite's write lock
 * (application writers waited that long)
 * @since 0.2.0
 */
public record VerificationStatus(@Nullable Instant lastAt, @Nullable String lastOutcome, @Nullable String lastProblem,
		@Nullable Position lastPosition, @Nullable Instant lastSuccessAt, long successes, long failures,
		boolean failing, Duration longestWriteLock) {

	/** Before the first verification. */
	public static final VerificationStatus NONE = new VerificationStatus(null, null, null, null, null, 0, 0, false,
			Duration.ZERO);

}
