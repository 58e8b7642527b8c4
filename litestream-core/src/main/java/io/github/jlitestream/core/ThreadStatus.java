package io.github.jlitestream.core;

import org.jspecify.annotations.Nullable;

/**
 * One of the engine's threads, as the health check sees it: the failures it did not
 * expect, and whether it still runs.
 *
 * @param name the thread's name, such as {@code litestream-monitor-app}
 * @param failures the rounds that failed unexpectedly since the start (each was logged at
 * ERROR)
 * @param lastFailure the last such failure while its round keeps failing (class and
 * message), null once a round succeeded
 * @param died whether the thread ended while replication runs
 * @since 0.1.0
 */
public record ThreadStatus(String name, long failures, @Nullable String lastFailure, boolean died) {

	/** Whether the thread's last round failed unexpectedly, or it died. */
	public boolean failing() {
		return this.lastFailure != null || this.died;
	}

}
