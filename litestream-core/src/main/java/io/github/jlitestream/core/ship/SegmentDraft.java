package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.codec.Spool;
import io.github.jlitestream.core.layout.ReplicaPaths;

/**
 * The next WAL segment of a replica, encoded (compressed, encrypted) ahead while commits
 * arrive, so that an upload only has to encode what came in last: under a stream of
 * commits a second's WAL is megabytes, and encoding it all when the sync interval is up
 * would add its time to every commit's lag.
 */
final class SegmentDraft {

	private final Position start;

	private final String key;

	private final Spool spool;

	private final OutputStream encoder;

	private long end;

	private boolean finished;

	SegmentDraft(Position start, ObjectCodec codec, Path spoolDir, int spoolMemoryLimit) throws IOException {
		this.start = start;
		this.key = ReplicaPaths.walSegmentKey(start.generation(), start.index(), start.offset(), codec.compression());
		this.spool = new Spool(spoolDir, spoolMemoryLimit);
		try {
			this.encoder = codec.encode(this.spool, this.key);
		}
		catch (IOException | RuntimeException ex) {
			this.spool.discard();
			throw ex;
		}
		this.end = start.offset();
	}

	/** Where the segment starts: its name in the store. */
	Position start() {
		return this.start;
	}

	/** The object key. */
	String key() {
		return this.key;
	}

	/** The shadow WAL offset up to which it is encoded. */
	long end() {
		return this.end;
	}

	/**
	 * Encodes the shadow WAL's bytes from {@link #end()} to {@code upTo}, a commit
	 * boundary.
	 */
	void extend(Database database, long upTo) throws IOException {
		if (upTo <= this.end) {
			return;
		}
		try (InputStream in = database.openShadow(this.start.generation(), this.start.index(), this.end,
				upTo - this.end)) {
			in.transferTo(this.encoder);
		}
		this.end = upTo;
	}

	/**
	 * Ends the encoding; the content can be uploaded (and uploaded again after a failure)
	 * until discarded.
	 */
	ObjectContent finish() throws IOException {
		this.finished = true;
		this.encoder.close();
		return this.spool.content();
	}

	/** Frees its memory or temporary file. */
	void discard() {
		if (!this.finished) {
			this.finished = true;
			try {
				this.encoder.close();
			}
			catch (IOException | RuntimeException ex) {
				// nothing of it is kept
			}
		}
		this.spool.discard();
	}

}
