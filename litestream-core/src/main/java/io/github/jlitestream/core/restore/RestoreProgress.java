package io.github.jlitestream.core.restore;

/**
 * Receives a restore's progress.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RestoreProgress {

	/** Ignores progress. */
	RestoreProgress NONE = (objectsDone, objectsTotal, bytesDownloaded) -> {
	};

	/**
	 * Called after each object is applied.
	 * @param objectsDone objects (snapshot and segments) applied so far
	 * @param objectsTotal objects to apply in all
	 * @param bytesDownloaded stored bytes read so far
	 */
	void progress(int objectsDone, int objectsTotal, long bytesDownloaded);

}
