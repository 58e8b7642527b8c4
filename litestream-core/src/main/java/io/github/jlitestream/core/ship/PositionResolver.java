package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.wal.CompactedWal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a replica's position from the store, after a restart or a failure: where the
 * store's copy of a generation ends, checked to be this database's history. Called under
 * the replica's lock.
 */
final class PositionResolver {

	// the replica's messages, under the replica's logger as before: log levels are set by
	// its name
	private static final Logger logger = LoggerFactory.getLogger(Replica.class);

	private final Database database;

	private final ReplicaClient client;

	private final ObjectCodec codec;

	private final String replica;

	PositionResolver(Database database, ReplicaClient client, ObjectCodec codec, String replica) {
		this.database = database;
		this.client = client;
		this.codec = codec;
		this.replica = replica;
	}

	/**
	 * Finds where the store's copy of {@code generation} ends, and checks that it is this
	 * database's history: the last segment must equal the local shadow WAL at the same
	 * place.
	 * @param snapshots the generation's snapshots, as listed
	 */
	Resolved resolve(Generation generation, List<SnapshotInfo> snapshots) throws IOException {
		List<WalSegmentInfo> segments = this.client.walSegments(generation);
		if (segments.isEmpty()) {
			long index = snapshots.stream().mapToLong(SnapshotInfo::index).max().orElse(-1);
			return new Resolved((index >= 0) ? new Position(generation, index, 0) : null, false);
		}
		WalSegmentInfo last = segments.stream().max(WalSegmentInfo.BY_POSITION).get();
		long snapshotIndex = snapshots.stream().mapToLong(SnapshotInfo::index).max().orElse(-1);
		if (snapshotIndex > last.index() && this.database.shadowSize(generation, snapshotIndex) >= 0) {
			// A snapshot that started the replica again at its index (its shadow WAL of
			// the index before was gone), whose first segment did not reach the store:
			// the replica goes on from the snapshot's index.
			Position resumed = new Position(generation, snapshotIndex, 0);
			logger.info("db={} replica={} resumes at position={} (after its snapshot)", this.database.name(),
					this.replica, resumed);
			return new Resolved(resumed, false);
		}
		byte[] content;
		try (InputStream in = this.codec.decode(
				this.client.openWalSegment(generation, last.index(), last.offset(), last.compression()),
				ReplicaPaths.key(last))) {
			content = in.readAllBytes();
		}
		if (last.offset() == 0 && CompactedWal.isCompacted(content)) {
			// Compaction replaced a complete index (the WAL restarted after it) and the
			// next index's first segment did not reach the store: the replica goes on
			// from that index's start. Its frames differ from the local shadow WAL's by
			// design, so they are not compared.
			Position next = new Position(generation, last.index() + 1, 0);
			logger.info("db={} replica={} resumes at position={} (after compacted index {})", this.database.name(),
					this.replica, next, "%08x".formatted(last.index()));
			return new Resolved(next, false);
		}
		Position end = new Position(generation, last.index(), last.offset() + content.length);
		long local = this.database.shadowSize(generation, last.index());
		Position database = this.database.position();
		if (local < 0 && database != null && database.generation().equals(generation)
				&& last.index() < database.index()) {
			// Released while this replica was behind (or lost with the disk): nothing to
			// compare the store with, and nothing to upload from; a new snapshot of the
			// current index continues the replica.
			logger.warn("db={} replica={} holds {} but the local shadow WAL of index {} is gone: it goes on from a "
					+ "new snapshot", this.database.name(), this.replica, end, last.index());
			return new Resolved(end, true);
		}
		if (local < end.offset()
				|| !Arrays.equals(content, readShadow(generation, last.index(), last.offset(), content.length))) {
			throw new ForeignWalException("Replica '" + this.replica + "' at " + this.client.location()
					+ " holds WAL up to " + end + " that this database did not write (local shadow WAL has " + local
					+ " bytes of that index): another process may be replicating to the same place");
		}
		logger.info("db={} replica={} resumes at position={}", this.database.name(), this.replica, end);
		return new Resolved(end, false);
	}

	private byte[] readShadow(Generation generation, long index, long offset, int length) throws IOException {
		try (InputStream in = this.database.openShadow(generation, index, offset, length)) {
			return in.readAllBytes();
		}
	}

	/**
	 * Where the replica resumes.
	 *
	 * @param position the end of the store's copy, or null when the store holds nothing
	 * of the generation
	 * @param needsSnapshot whether the local shadow WAL of the position's index is gone,
	 * so that the replica goes on from a new snapshot
	 */
	record Resolved(@Nullable Position position, boolean needsSnapshot) {
	}

}
