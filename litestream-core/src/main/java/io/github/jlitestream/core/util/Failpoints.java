package io.github.jlitestream.core.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Named places in the engine where a test can make it fail (or wait) as a real fault
 * would there: an I/O error inside a checkpoint, a kill in the middle of an upload.
 * Nothing happens unless a test set a hook; production code only passes through. Public
 * only so that the fault campaign's engine processes (another module) can set a hook; not
 * an API.
 *
 * @since 0.1.0
 */
public final class Failpoints {

	/**
	 * Inside the locked phase of a checkpoint, after the read transaction ended, before
	 * the backfill.
	 */
	public static final String CHECKPOINT_BACKFILL = "checkpoint.backfill";

	/** Where the read transaction is taken again after a full backfill. */
	public static final String CHECKPOINT_RETAKE_READ = "checkpoint.retake-read";

	/**
	 * Before the frames of an old WAL lifetime beyond the shadow WAL are copied, after a
	 * restart was found.
	 */
	public static final String COPY_OLD_TAIL = "copy.old-tail";

	/**
	 * Before frames are written into the shadow WAL: where a full disk fails the copy.
	 * The hook fails it with an {@link java.io.UncheckedIOException}, thrown here as its
	 * {@link IOException}, as the write would.
	 */
	public static final String SHADOW_WRITE = "shadow.write";

	/**
	 * When a new shadow WAL (a new WAL index or generation) was created as an empty file,
	 * before its header is written: where a full disk fails its creation (thrown as an
	 * {@link IOException} like {@link #SHADOW_WRITE}).
	 */
	public static final String SHADOW_CREATE = "shadow.create";

	/**
	 * After a snapshot was encoded into its spool, before it uploads: where a full disk
	 * fails the spool (thrown as an {@link IOException} like {@link #SHADOW_WRITE}).
	 */
	public static final String SNAPSHOT_SPOOL = "snapshot.spool";

	/**
	 * Before a compacted WAL index replaces the index's first segment in the store.
	 */
	public static final String COMPACTION_REPLACE = "compaction.replace";

	/**
	 * Before the segments a compacted index replaced are deleted from the store.
	 */
	public static final String COMPACTION_DELETE = "compaction.delete";

	/**
	 * Before the engine lets go of a database file that was replaced or deleted, to open
	 * the one at its path.
	 */
	public static final String DATABASE_REOPEN = "database.reopen";

	private static volatile @Nullable Consumer<String> hook;

	private Failpoints() {
	}

	/**
	 * Sets the hook every failpoint calls with its name (it may throw); null removes it.
	 */
	public static void set(@Nullable Consumer<String> newHook) {
		hook = newHook;
	}

	/**
	 * Calls the hook at a place that fails with an {@link IOException}: an
	 * {@link UncheckedIOException} the hook throws is thrown as its cause.
	 */
	public static void hitIo(String name) throws IOException {
		try {
			hit(name);
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
	}

	/** Calls the hook, when a test set one, with this failpoint's name. */
	public static void hit(String name) {
		Consumer<String> current = hook;
		if (current != null) {
			current.accept(name);
		}
	}

}
