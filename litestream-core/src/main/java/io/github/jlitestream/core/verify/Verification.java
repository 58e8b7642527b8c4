package io.github.jlitestream.core.verify;

import java.time.Duration;

import io.github.jlitestream.core.Position;
import org.jspecify.annotations.Nullable;

/**
 * What one verification found.
 *
 * @param outcome success, failure, or skipped (nothing to compare yet, or the database
 * moved to a new generation meanwhile)
 * @param position the position compared at, or null
 * @param problem the damaged object or the differing tables, or why it was skipped; null
 * on success
 * @param duration how long it took
 * @param writeLockHeld how long application writers waited for it (SQLite's write lock,
 * held while a position was pinned); zero when it pinned none
 */
public record Verification(Outcome outcome, @Nullable Position position, @Nullable String problem, Duration duration,
		Duration writeLockHeld) {

	/** How a verification ended. */
	public enum Outcome {

		SUCCESS, FAILURE, SKIPPED

	}

}
