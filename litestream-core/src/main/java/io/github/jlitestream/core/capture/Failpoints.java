package io.github.jlitestream.core.capture;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Named places in the engine where a test can make it fail (or wait) as a real fault
 * would there: an I/O error inside a checkpoint, a kill in the middle of an upload.
 * Nothing happens unless a test set a hook; production code only passes through.
 */
final class Failpoints {

	/**
	 * Inside the locked phase of a checkpoint, after the read transaction ended, before
	 * the backfill.
	 */
	static final String CHECKPOINT_BACKFILL = "checkpoint.backfill";

	/** Where the read transaction is taken again after a full backfill. */
	static final String CHECKPOINT_RETAKE_READ = "checkpoint.retake-read";

	/**
	 * Before the frames of an old WAL lifetime beyond the shadow WAL are copied, after a
	 * restart was found.
	 */
	static final String COPY_OLD_TAIL = "copy.old-tail";

	private static volatile @Nullable Consumer<String> hook;

	private Failpoints() {
	}

	/**
	 * Sets the hook every failpoint calls with its name (it may throw); null removes it.
	 */
	static void set(@Nullable Consumer<String> newHook) {
		hook = newHook;
	}

	static void hit(String name) {
		Consumer<String> current = hook;
		if (current != null) {
			current.accept(name);
		}
	}

}
