package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Decides, while the disk of the engine's local state refuses copies for lack of space,
 * whether continuity can still wait for space to return. It can while the WAL not yet
 * copied could fit: the read transaction keeps SQLite from restarting the WAL, so the
 * copy resumes where it stopped. It cannot once that WAL has outgrown the whole disk, or
 * once space came back but less than that WAL needs: holding the read transaction longer
 * only lets the WAL grow further out of reach (the application's disk with it), so the
 * generation ends there and the next starts, with a snapshot, once the WAL fits.
 */
final class SpaceShortage {

	/** Space that must come back before it counts as returned, not as noise. */
	private static final long RETURNED = 1024 * 1024;

	private final Path dir;

	/** The free space at the first refused copy since the last one that succeeded. */
	private long freeWhenFull = -1;

	SpaceShortage(Path dir) {
		this.dir = dir;
	}

	/**
	 * After a copy refused for lack of space: why continuity cannot wait any longer, or
	 * null while it can.
	 * @param uncopied the bytes of WAL beyond the shadow WAL's end
	 */
	@Nullable String giveUpReason(long uncopied) throws IOException {
		FileStore store = Files.getFileStore(this.dir);
		long free = store.getUsableSpace();
		long total = store.getTotalSpace();
		if (this.freeWhenFull < 0) {
			this.freeWhenFull = free;
		}
		if (uncopied > total) {
			return "the WAL not yet copied (%d bytes) outgrew the disk of the local state %s (%d bytes)"
				.formatted(uncopied, this.dir, total);
		}
		if (free > this.freeWhenFull + RETURNED && uncopied > free) {
			return "space returned on the disk of the local state %s, but %d bytes, less than the WAL not yet copied (%d bytes)"
				.formatted(this.dir, free, uncopied);
		}
		return null;
	}

	/** A copy succeeded: the next refusal starts a new shortage. */
	void ended() {
		this.freeWhenFull = -1;
	}

}
