package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.nio.file.Path;

import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.ObjectCodec;
import org.jspecify.annotations.Nullable;

/**
 * The encode-ahead cache of a replica: holds the draft of its next segment
 * ({@link SegmentDraft}) between the replica's thread encoding ahead and the upload that
 * takes it. Not thread-safe: every call is made under the replica's lock.
 */
final class SegmentDrafts {

	/**
	 * Commits are encoded ahead once this much has come in: the LZ4 frame compresses
	 * blocks of this size, and smaller steps would only cost more file reads.
	 */
	private static final long PREPARE_MIN_BYTES = 256 * 1024;

	private final Database database;

	private final ObjectCodec codec;

	private final Path spoolDir;

	private final int spoolMemoryLimit;

	/** The next segment, encoded ahead. */
	private @Nullable SegmentDraft draft;

	SegmentDrafts(Database database, ObjectCodec codec, Path spoolDir, int spoolMemoryLimit) {
		this.database = database;
		this.codec = codec;
		this.spoolDir = spoolDir;
		this.spoolMemoryLimit = spoolMemoryLimit;
	}

	/**
	 * Encodes the shadow WAL of the segment that starts at {@code start} up to
	 * {@code size}, a commit boundary, once at least {@link #PREPARE_MIN_BYTES} have come
	 * in beyond what is encoded.
	 */
	void prepare(Position start, long size) throws IOException {
		SegmentDraft existing = this.draft;
		long encoded = (existing != null && existing.start().equals(start)) ? existing.end() : start.offset();
		if (size - encoded < PREPARE_MIN_BYTES) {
			return;
		}
		draftAt(start, size).extend(this.database, size);
	}

	/** The shadow WAL offset up to which the next segment is encoded ahead, or -1. */
	long preparedUpTo() {
		return (this.draft != null) ? this.draft.end() : -1;
	}

	/**
	 * Takes the draft of the segment that starts at {@code start} and ends at or before
	 * {@code limit} for its upload: the one encoded ahead when it fits, else a new one.
	 * The caller discards it.
	 */
	SegmentDraft take(Position start, long limit) throws IOException {
		SegmentDraft draft = draftAt(start, limit);
		this.draft = null;
		return draft;
	}

	/**
	 * The draft of the segment that starts at {@code start} and ends at or before
	 * {@code limit}: the one encoded ahead when it fits, else a new one.
	 */
	private SegmentDraft draftAt(Position start, long limit) throws IOException {
		SegmentDraft existing = this.draft;
		if (existing != null && existing.start().equals(start) && existing.end() <= limit) {
			return existing;
		}
		discard();
		this.draft = new SegmentDraft(start, this.codec, this.spoolDir, this.spoolMemoryLimit);
		return this.draft;
	}

	/** Frees the draft encoded ahead, if any. */
	void discard() {
		SegmentDraft draft = this.draft;
		this.draft = null;
		if (draft != null) {
			draft.discard();
		}
	}

}
