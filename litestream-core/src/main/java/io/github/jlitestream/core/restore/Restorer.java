package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.util.LocalFiles;
import io.github.jlitestream.core.util.Threads;
import io.github.jlitestream.core.wal.CompactedWal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a database from a replica into a new file. Objects are downloaded in parallel
 * and applied in order, after verifying each one; the result is built in a temporary
 * directory beside the output, checked with {@code PRAGMA integrity_check}, and moved
 * into place atomically. On any failure no output file is written.
 *
 * @since 0.1.0
 */
public final class Restorer {

	private static final Logger logger = LoggerFactory.getLogger(Restorer.class);

	private final ObjectCodec codec;

	public Restorer(ObjectCodec codec) {
		this.codec = codec;
	}

	/**
	 * Restores from {@code client} as {@code options} say.
	 * @throws NoBackupException when the replica holds nothing that matches
	 * @throws CorruptReplicaException when an object is damaged, missing or foreign
	 */
	public RestoreResult restore(ReplicaClient client, RestoreOptions options, RestoreProgress progress)
			throws IOException {
		return restoreFrom(List.of(new Source(client, this.codec)), options, progress);
	}

	/**
	 * Restores from whichever of {@code clients} holds the newest matching state (for a
	 * point in time: the one whose chosen objects are newest), as Litestream chooses
	 * among replicas.
	 * @throws NoBackupException when no replica holds anything that matches
	 */
	public static RestoreResult restoreFrom(List<Source> sources, RestoreOptions options, RestoreProgress progress)
			throws IOException {
		long started = System.nanoTime();
		Path output = options.outputPath();
		RestoredDatabase.checkOutput(output, options.overwrite());
		Source source = null;
		RestorePlan plan = null;
		Map.Entry<Source, RestorePlan> chosen = choose(sources, options);
		if (chosen != null) {
			source = chosen.getKey();
			plan = chosen.getValue();
		}
		if (plan == null || source == null) {
			String where = String.join(", ", sources.stream().map((s) -> s.client().location()).toList());
			throw new NoBackupException("No backup to restore in " + where + RestorePlanner.describeTarget(options));
		}
		if (plan.roundedDown() != null && options.timestamp() != null) {
			logger.warn(plan.roundedDown().describe(options.timestamp()));
		}
		Path work = output.resolveSibling("." + output.getFileName() + ".restore-" + UUID.randomUUID());
		Files.createDirectories(work);
		// WAL segments are small, so a long tail is bound by round trips, not bandwidth:
		// they download SEGMENT_FANOUT times as many at once as the parallelism asked for
		ExecutorService downloads = Executors.newFixedThreadPool(options.parallelism() * RestoreRun.SEGMENT_FANOUT,
				Threads.daemonFactory("litestream-restore"));
		// Forces to disk run beside the downloads, and in their own thread, so that
		// waiting for one never waits for a download queued behind it.
		ExecutorService flusher = Executors.newSingleThreadExecutor(Threads.daemonFactory("litestream-restore-flush"));
		try {
			RestoreRun run = new RestoreRun(source, plan, work, downloads, flusher, options.parallelism(), progress);
			Position position = run.apply();
			run.database().forceWhileChecking(options.integrityCheck(), flusher);
			run.database().moveIntoPlace(output, options.overwrite());
			Duration duration = Duration.ofNanos(System.nanoTime() - started);
			Long compacted = (options.timestamp() != null) ? compactedBoundary(source, plan) : null;
			if (compacted != null) {
				logger.info(
						"the target {} falls in WAL index {}, compacted (older than the compaction age): the "
								+ "restore holds the state at the end of the index before it",
						options.timestamp(), "%08x".formatted(compacted));
			}
			RestoreResult result = new RestoreResult(output, position, plan.snapshot().index(), plan.segments().size(),
					Files.size(output), run.downloaded(), plan.lastChangeAt(), duration, plan.roundedDown(), compacted);
			logger.info("restored {} from {} generation={} position={} bytes={} downloaded={} in {} ms", output,
					source.client().location(), plan.generation(), position, result.databaseBytes(),
					result.downloadedBytes(), duration.toMillis());
			return result;
		}
		finally {
			downloads.shutdownNow();
			flusher.shutdownNow();
			deleteTree(work);
		}
	}

	/**
	 * The index of the first segment a point-in-time plan left out, when that is a
	 * compacted index's (whose first segment holds the whole index): the target fell in
	 * it. One read of the segment's header.
	 */
	private static @Nullable Long compactedBoundary(Source source, RestorePlan plan) {
		WalSegmentInfo excluded = plan.firstExcluded();
		if (excluded == null || excluded.offset() != 0) {
			return null;
		}
		String key = ReplicaPaths.key(excluded);
		try (InputStream in = source.codec()
			.decode(source.client()
				.openWalSegment(excluded.generation(), excluded.index(), excluded.offset(), excluded.compression()),
					key)) {
			return CompactedWal.isCompacted(in) ? excluded.index() : null;
		}
		catch (IOException | RuntimeException ex) {
			// only a note: the restore itself is complete and checked
			logger.debug("cannot tell whether {} is compacted: {}", key, ex.getMessage());
			return null;
		}
	}

	/**
	 * What {@link #restoreFrom(List, RestoreOptions, RestoreProgress)} would restore,
	 * from listings alone: nothing is downloaded or written (a dry run, or the size of
	 * what a restore will download).
	 * @return the plan, or empty when no replica holds anything that matches
	 * @since 0.2.0
	 */
	public static Optional<PlannedRestore> plan(List<Source> sources, RestoreOptions options) throws IOException {
		Map.Entry<Source, RestorePlan> chosen = choose(sources, options);
		if (chosen == null) {
			return Optional.empty();
		}
		RestorePlan plan = chosen.getValue();
		String note = (plan.roundedDown() != null && options.timestamp() != null)
				? plan.roundedDown().describe(options.timestamp()) : null;
		return Optional.of(new PlannedRestore(chosen.getKey(), plan.generation(), plan.snapshot(), plan.segments(),
				plan.lastChangeAt(), note));
	}

	/**
	 * The source whose plan for {@code options} is newest, with that plan; null for none.
	 */
	private static Map.@Nullable Entry<Source, RestorePlan> choose(List<Source> sources, RestoreOptions options)
			throws IOException {
		Source source = null;
		RestorePlan plan = null;
		for (Source candidate : sources) {
			RestorePlan candidatePlan = RestorePlanner
				.plan(candidate.client(), options.generation(), options.timestamp(), options.index())
				.orElse(null);
			if (candidatePlan != null && (plan == null || candidatePlan.lastChangeAt().isAfter(plan.lastChangeAt()))) {
				plan = candidatePlan;
				source = candidate;
			}
		}
		return (plan != null && source != null) ? Map.entry(source, plan) : null;
	}

	/**
	 * What a restore would download and apply.
	 *
	 * @param source the replica it would restore from
	 * @param generation the generation
	 * @param snapshot the snapshot it starts from
	 * @param segments the WAL segments it applies, in order
	 * @param lastChangeAt the store time of the newest object it uses
	 * @param roundedDown why a point-in-time restore would stop short of its target, or
	 * null
	 * @since 0.2.0
	 */
	public record PlannedRestore(Source source, Generation generation, SnapshotInfo snapshot,
			List<WalSegmentInfo> segments, Instant lastChangeAt, @Nullable String roundedDown) {

		public PlannedRestore {
			segments = List.copyOf(segments);
		}

		/** The stored bytes it would download: the snapshot and every segment. */
		public long bytes() {
			return this.snapshot.size() + this.segments.stream().mapToLong(WalSegmentInfo::size).sum();
		}

	}

	private static void deleteTree(Path root) {
		try {
			LocalFiles.deleteTree(root);
		}
		catch (IOException ex) {
			logger.warn("could not remove restore work directory {}: {}", root, ex.getMessage());
		}
	}

	/**
	 * A replica to restore from, with the pipeline its objects were written through.
	 *
	 * @param client the store
	 * @param codec its objects' codec (compression, encryption)
	 */
	public record Source(ReplicaClient client, ObjectCodec codec) {
	}

}
