package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.EncodedContent;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.codec.Spool;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.util.Failpoints;
import io.github.jlitestream.core.util.LocalFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes and writes a replica's objects: a WAL segment from its draft, a snapshot from
 * the database file. The replica decides what goes when; called under its lock.
 */
final class ReplicaUploads {

	// the replica's messages, under the replica's logger as before: log levels are set by
	// its name
	private static final Logger logger = LoggerFactory.getLogger(Replica.class);

	/**
	 * Encoded objects up to this size are held in memory before upload; larger ones are
	 * spooled to disk.
	 */
	static final int SPOOL_MEMORY_LIMIT = 8 * 1024 * 1024;

	private final Database database;

	private final ReplicaClient client;

	private final ObjectCodec codec;

	private final Path spoolDir;

	private final SegmentDrafts drafts;

	private final String replica;

	ReplicaUploads(Database database, ReplicaClient client, ObjectCodec codec, Path spoolDir, SegmentDrafts drafts,
			String replica) {
		this.database = database;
		this.client = client;
		this.codec = codec;
		this.spoolDir = spoolDir;
		this.drafts = drafts;
		this.replica = replica;
	}

	/**
	 * Uploads the segment of {@code length} bytes at {@code at}, finishing the draft
	 * encoded ahead when it fits.
	 */
	WalSegmentInfo segment(Position at, long length) throws IOException {
		long started = System.nanoTime();
		SegmentDraft draft = this.drafts.take(at, at.offset() + length);
		try {
			long ahead = draft.end() - at.offset();
			draft.extend(this.database, at.offset() + length);
			ObjectContent content = draft.finish();
			long encoded = System.nanoTime();
			WalSegmentInfo written = this.client.writeWalSegment(at.generation(), at.index(), at.offset(),
					this.codec.compression(), content);
			logger.debug(
					"db={} replica={} uploaded segment={} bytes={} ({} encoded ahead; rest encoded in {} us, "
							+ "written in {} us)",
					this.database.name(), this.replica, draft.key(), length, ahead, (encoded - started) / 1000,
					(System.nanoTime() - encoded) / 1000);
			return written;
		}
		finally {
			draft.discard();
		}
	}

	/**
	 * Uploads the snapshot at {@code position} of the database file read from
	 * {@code databaseFile}.
	 */
	SnapshotInfo snapshot(Position position, ObjectContent databaseFile) throws IOException {
		String key = ReplicaPaths.snapshotKey(position.generation(), position.index(), this.codec.compression());
		Spool spool = new Spool(this.spoolDir, SPOOL_MEMORY_LIMIT);
		try {
			ObjectContent content;
			try {
				try (InputStream in = databaseFile.open(); OutputStream out = this.codec.encode(spool, key)) {
					in.transferTo(out);
				}
				Failpoints.hitIo(Failpoints.SNAPSHOT_SPOOL);
				content = spool.content();
			}
			catch (IOException ex) {
				if (!LocalFiles.isNoSpace(ex)) {
					throw ex;
				}
				// The frozen file can be read as often as needed: a full local disk does
				// not keep a new generation (which a full disk may have started) from its
				// snapshot.
				spool.discard();
				logger.warn(
						"db={} replica={} no space to spool snapshot {} in {} ({}): encoding it while it "
								+ "uploads instead, after encoding it once to measure it",
						this.database.name(), this.replica, key, this.spoolDir, ex.getMessage());
				content = EncodedContent.measure(this.codec, key, databaseFile);
			}
			return this.client.writeSnapshot(position.generation(), position.index(), this.codec.compression(),
					content);
		}
		finally {
			spool.discard();
		}
	}

}
