package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.codec.Spool;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.util.Failpoints;
import io.github.jlitestream.core.wal.CompactedWal;
import io.github.jlitestream.core.wal.InvalidWalException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the segments of a replica's complete WAL indexes older than the compaction age
 * by one object each, holding only the last version of every page the index changed
 * ({@link CompactedWal}), in the v0.3.13 layout: the index's first segment. The order of
 * writes keeps the replica restorable at every moment, by this project and by Litestream:
 * <ol>
 * <li>the index's segments are downloaded, decoded, chain-checked and compacted
 * locally;</li>
 * <li>the first segment is replaced by the compacted index in one write, the commit point
 * (a reader gets the old object or the new one). A restore that reads the new one gets
 * the whole index from it: this project's by its header, Litestream's because it
 * concatenates the index's segments and SQLite stops at the first frame of an older
 * segment, whose checksum does not continue the compacted chain. The new object records
 * the time of the index's last commit as its creation time, for point-in-time
 * restores;</li>
 * <li>half the compaction age later (restores that listed the older segments have read
 * them), the older segments are deleted. After a crash in between, a later pass finds the
 * compacted first segment by its header and deletes them once that grace has passed
 * again.</li>
 * </ol>
 * An index is complete once the replica holds a later one: the WAL restarted after it,
 * and nothing is appended to it again. One index per call, on the replica's thread.
 */
final class IndexCompaction {

	private static final Logger logger = LoggerFactory.getLogger(Replica.class);

	/**
	 * A compaction that keeps more than this share of the index's bytes is not worth
	 * replacing its segments.
	 */
	private static final double WORTH = 0.9;

	private final String database;

	private final String replica;

	private final ReplicaClient client;

	private final ObjectCodec codec;

	private final Duration age;

	private final Path workDir;

	private final Clock clock;

	/**
	 * Compacted indexes (their start) whose older segments still wait for deletion, since
	 * when.
	 */
	private final Map<Position, Instant> replacedAt = new HashMap<>();

	/** Indexes this process found compacted already, or not worth compacting. */
	private final Set<Position> settled = new HashSet<>();

	IndexCompaction(String database, String replica, ReplicaClient client, ObjectCodec codec, Duration age,
			Path workDir, Clock clock) {
		this.database = database;
		this.replica = replica;
		this.client = client;
		this.codec = codec;
		this.age = age;
		this.workDir = workDir;
		this.clock = clock;
	}

	/**
	 * Compacts or finishes at most one index of the generation the replica ships.
	 * @param shipped where the store's copy ends
	 * @return what it did; {@link Pass#more()} when another index waits
	 */
	Pass run(@Nullable Position shipped) throws IOException {
		if (this.age.isZero() || shipped == null) {
			return Pass.NOTHING;
		}
		Generation generation = shipped.generation();
		Instant now = this.clock.instant();
		Map<Long, List<WalSegmentInfo>> indexes = new TreeMap<>();
		for (WalSegmentInfo segment : this.client.walSegments(generation)) {
			if (segment.index() < shipped.index()) {
				indexes.computeIfAbsent(segment.index(), (i) -> new ArrayList<>()).add(segment);
			}
		}
		indexes.values().forEach((segments) -> segments.sort(WalSegmentInfo.BY_POSITION));
		Pass pass = deleteReplaced(generation, indexes, now);
		if (pass != null) {
			return pass;
		}
		for (Map.Entry<Long, List<WalSegmentInfo>> entry : indexes.entrySet()) {
			List<WalSegmentInfo> segments = entry.getValue();
			Position id = new Position(generation, entry.getKey(), 0);
			WalSegmentInfo last = segments.get(segments.size() - 1);
			if (this.settled.contains(id) || this.replacedAt.containsKey(id)
					|| last.createdAt().isAfter(now.minus(this.age)) || segments.get(0).offset() != 0
					|| segments.stream().anyMatch((s) -> s.compression() != this.codec.compression())) {
				continue;
			}
			return compact(id, segments, now);
		}
		return Pass.NOTHING;
	}

	/** Deletes the older segments of one compacted index whose grace has passed. */
	private @Nullable Pass deleteReplaced(Generation generation, Map<Long, List<WalSegmentInfo>> indexes, Instant now)
			throws IOException {
		Duration grace = this.age.dividedBy(2);
		// forget indexes that retention deleted, or whose older segments are gone
		this.replacedAt.keySet()
			.removeIf((id) -> !id.generation().equals(generation)
					|| indexes.getOrDefault(id.index(), List.of()).size() < 2);
		this.settled.removeIf((id) -> !id.generation().equals(generation) || !indexes.containsKey(id.index()));
		for (Map.Entry<Long, List<WalSegmentInfo>> entry : indexes.entrySet()) {
			Position id = new Position(generation, entry.getKey(), 0);
			Instant replaced = this.replacedAt.get(id);
			if (replaced == null || now.isBefore(replaced.plus(grace))) {
				continue;
			}
			List<WalSegmentInfo> stale = entry.getValue().subList(1, entry.getValue().size());
			Failpoints.hit(Failpoints.COMPACTION_DELETE);
			this.client.deleteWalSegments(List.copyOf(stale));
			this.replacedAt.remove(id);
			this.settled.add(id);
			logger.info("db={} replica={} deleted the {} segment(s) that the compaction of index {} replaced",
					this.database, this.replica, stale.size(), "%08x".formatted(entry.getKey()));
			return new Pass(0, 0, 0, stale.size(), true);
		}
		return null;
	}

	/** Compacts the index that starts at {@code id}. */
	private Pass compact(Position id, List<WalSegmentInfo> segments, Instant now) throws IOException {
		Generation generation = id.generation();
		long index = id.index();
		Files.createDirectories(this.workDir);
		Path whole = Files.createTempFile(this.workDir, "compaction-", ".wal");
		Path compacted = whole.resolveSibling(whole.getFileName() + ".compacted");
		Spool spool = new Spool(this.workDir, ReplicaUploads.SPOOL_MEMORY_LIMIT);
		try {
			long before = 0;
			try (OutputStream out = Files.newOutputStream(whole)) {
				long length = 0;
				for (WalSegmentInfo segment : segments) {
					String key = ReplicaPaths.key(segment);
					if (segment.offset() != length) {
						throw new CorruptReplicaException(key, "starts at WAL offset " + segment.offset()
								+ " but the segments before it end at " + length + ": not compacted");
					}
					try (InputStream in = this.codec.decode(
							this.client.openWalSegment(generation, index, segment.offset(), segment.compression()),
							key)) {
						length += in.transferTo(out);
					}
					before += segment.size();
					if (segment.offset() == 0 && isCompacted(whole)) {
						// compacted by an earlier run; its older segments (if any) wait
						// for the grace again, from now
						replaced(id, segments.size(), now);
						return new Pass(0, 0, 0, 0, true);
					}
				}
			}
			CompactedWal.Result result;
			try {
				result = CompactedWal.compact(whole, compacted);
			}
			catch (InvalidWalException ex) {
				throw new CorruptReplicaException(ReplicaPaths.key(segments.get(0)),
						"WAL index %08x cannot be compacted: %s".formatted(index, ex.getMessage()));
			}
			WalSegmentInfo first = segments.get(0);
			String key = ReplicaPaths.key(first);
			try (InputStream in = Files.newInputStream(compacted); OutputStream out = this.codec.encode(spool, key)) {
				in.transferTo(out);
			}
			if (spool.content().length() > WORTH * before) {
				this.settled.add(id);
				logger.debug("db={} replica={} index {} not compacted: {} of {} bytes would remain", this.database,
						this.replica, "%08x".formatted(index), spool.content().length(), before);
				return new Pass(0, 0, 0, 0, true);
			}
			WalSegmentInfo last = segments.get(segments.size() - 1);
			Instant createdAt = this.client.exactCreatedAt(last).orElse(last.createdAt());
			Failpoints.hit(Failpoints.COMPACTION_REPLACE);
			WalSegmentInfo written = this.client.replaceWalSegment(generation, index, 0, first.compression(),
					spool.content(), createdAt);
			replaced(id, segments.size(), now);
			logger.info(
					"db={} replica={} compacted index {}: {} segment(s), {} frames, {} bytes stored, to {} pages in {} "
							+ "bytes",
					this.database, this.replica, "%08x".formatted(index), segments.size(), result.framesBefore(),
					before, result.pages(), written.size());
			return new Pass(1, before, written.size(), 0, true);
		}
		finally {
			spool.discard();
			Files.deleteIfExists(whole);
			Files.deleteIfExists(compacted);
		}
	}

	/**
	 * The index at {@code id} holds its compacted form first: older segments wait for the
	 * grace from {@code now}; a single segment is done.
	 */
	private void replaced(Position id, int segments, Instant now) {
		if (segments > 1) {
			this.replacedAt.put(id, now);
		}
		else {
			this.settled.add(id);
		}
	}

	private static boolean isCompacted(Path wal) throws IOException {
		try (InputStream in = Files.newInputStream(wal)) {
			return CompactedWal.isCompacted(in);
		}
	}

	/**
	 * What one call did.
	 *
	 * @param compacted the indexes compacted (0 or 1)
	 * @param bytesBefore the stored bytes of the compacted index's segments
	 * @param bytesAfter the stored bytes of the object that replaced them
	 * @param deleted the replaced segments deleted
	 * @param more whether another call may find more to do
	 */
	record Pass(int compacted, long bytesBefore, long bytesAfter, int deleted, boolean more) {

		static final Pass NOTHING = new Pass(0, 0, 0, 0, false);

	}

}
