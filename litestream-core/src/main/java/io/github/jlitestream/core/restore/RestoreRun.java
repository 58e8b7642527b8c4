package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.Spool;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.restore.Restorer.Source;
import io.github.jlitestream.core.wal.CompactedWal;

/**
 * One restore of a plan from its source: downloads the snapshot and the segments in
 * parallel, verifies each object as it is decoded, and applies the segments in order, one
 * WAL index at a time, to the database in the work directory.
 */
final class RestoreRun {

	/**
	 * How many WAL segments download at once per unit of the restore's parallelism:
	 * against a store 20 ms away, 8 at once took as long as Litestream's restore of a
	 * 5,000-segment tail, bound by round trips.
	 */
	static final int SEGMENT_FANOUT = 8;

	/**
	 * The memory all decoded segments waiting to be applied may hold together; each
	 * spills to a file beyond its share.
	 */
	private static final long SEGMENT_MEMORY_BUDGET = 64L * 1024 * 1024;

	/** The most one decoded segment keeps in memory. */
	private static final int SEGMENT_MEMORY_LIMIT = 4 * 1024 * 1024;

	/** The size of each write of the snapshot into the restored file. */
	private static final int SNAPSHOT_WRITE_SIZE = 64 * 1024;

	private final Source source;

	private final RestorePlan plan;

	private final Path work;

	private final RestoredDatabase database;

	private final ExecutorService downloads;

	private final ExecutorService flusher;

	private final int parallelism;

	private final RestoreProgress progress;

	private final AtomicLong downloaded = new AtomicLong();

	/** What each waiting segment keeps in memory, its share of the budget. */
	private volatile int segmentMemory = SEGMENT_MEMORY_LIMIT;

	/**
	 * Prepares one restore of {@code plan}.
	 * @param work the work directory: the database is built in it, and segments wait in
	 * it to be applied
	 * @param downloads where objects are downloaded, {@code parallelism} times
	 * {@link #SEGMENT_FANOUT} at once
	 * @param flusher where the database is forced to disk, beside the downloads
	 */
	RestoreRun(Source source, RestorePlan plan, Path work, ExecutorService downloads, ExecutorService flusher,
			int parallelism, RestoreProgress progress) {
		this.source = source;
		this.plan = plan;
		this.work = work;
		this.database = new RestoredDatabase(work.resolve("database"));
		this.downloads = downloads;
		this.flusher = flusher;
		this.parallelism = parallelism;
		this.progress = progress;
	}

	RestoredDatabase database() {
		return this.database;
	}

	/** The stored bytes read so far. */
	long downloaded() {
		return this.downloaded.get();
	}

	/**
	 * Downloads and applies the plan, and returns the position the database was restored
	 * to.
	 */
	Position apply() throws IOException {
		int total = 1 + this.plan.segments().size();
		Future<?> snapshot = this.downloads.submit(() -> {
			downloadSnapshot();
			return null;
		});
		// Segments download ahead of the applier, at most a window of them at once, so
		// memory and disk stay bounded.
		Deque<Future<Spool>> window = new ArrayDeque<>();
		int nextToSubmit = 0;
		int windowSize = this.parallelism * SEGMENT_FANOUT * 2;
		this.segmentMemory = (int) Math.min(SEGMENT_MEMORY_LIMIT, SEGMENT_MEMORY_BUDGET / windowSize);
		for (; nextToSubmit < Math.min(windowSize, this.plan.segments().size()); nextToSubmit++) {
			window.add(submitSegment(this.plan.segments().get(nextToSubmit)));
		}
		await(snapshot);
		int done = 1;
		this.progress.progress(done, total, this.downloaded.get());
		long position = 0;
		int pageSize = this.database.checkSnapshot(ReplicaPaths.key(this.plan.snapshot()));
		try (FileChannel db = FileChannel.open(this.database.path(), StandardOpenOption.WRITE,
				StandardOpenOption.READ)) {
			WalApplier applier = new WalApplier(db, pageSize);
			int i = 0;
			List<WalSegmentInfo> segments = this.plan.segments();
			long lastIndex = this.plan.snapshot().index();
			while (i < segments.size()) {
				long index = segments.get(i).index();
				Path wal = this.work.resolve("%08x.wal".formatted(index));
				List<WalApplier.Segment> parts = new ArrayList<>();
				try (OutputStream out = Files.newOutputStream(wal)) {
					long length = 0;
					boolean compacted = false;
					for (; i < segments.size() && segments.get(i).index() == index; i++) {
						WalSegmentInfo segment = segments.get(i);
						String key = ReplicaPaths.key(segment);
						Future<Spool> next = window.removeFirst();
						if (nextToSubmit < segments.size()) {
							window.add(submitSegment(segments.get(nextToSubmit++)));
						}
						if (compacted) {
							// replaced by the compacted first segment, and deleted once
							// restores that listed it are done: not needed, maybe gone
							discardStale(next);
							this.progress.progress(++done, total, this.downloaded.get());
							continue;
						}
						Spool spool = await(next);
						try {
							if (segment.offset() == 0) {
								compacted = isCompacted(spool);
							}
							if (segment.offset() != length) {
								throw new CorruptReplicaException(key, "starts at WAL offset " + segment.offset()
										+ " but the segments before it end at " + length + ((segment.offset() > length)
												? ": a segment is missing" : ": segments overlap"));
							}
							parts.add(new WalApplier.Segment(key, segment.offset()));
							try (InputStream in = spool.content().open()) {
								length += in.transferTo(out);
							}
						}
						finally {
							spool.discard();
						}
						this.progress.progress(++done, total, this.downloaded.get());
					}
					position = length;
				}
				boolean last = i >= segments.size();
				applier.apply(index, wal, parts, last && this.plan.cutShort());
				Files.delete(wal);
				lastIndex = index;
			}
			return new Position(this.plan.generation(), lastIndex, position);
		}
		finally {
			window.forEach((future) -> future.cancel(true));
		}
	}

	/** Whether a first segment holds a compacted index ({@link CompactedWal}). */
	private static boolean isCompacted(Spool spool) throws IOException {
		try (InputStream in = spool.content().open()) {
			return CompactedWal.isCompacted(in);
		}
	}

	private static void discardStale(Future<Spool> stale) {
		try {
			stale.get().discard();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LitestreamException("Restore interrupted", ex);
		}
		catch (ExecutionException ex) {
			// deleted meanwhile, or unreadable: the index does not need it
		}
	}

	private Future<Spool> submitSegment(WalSegmentInfo segment) {
		ReplicaClient client = this.source.client();
		return this.downloads.submit(() -> {
			String key = ReplicaPaths.key(segment);
			Spool spool = new Spool(this.work, this.segmentMemory);
			try {
				try (InputStream in = open(client, key,
						() -> client.openWalSegment(segment.generation(), segment.index(), segment.offset(),
								segment.compression()));
						CountingInputStream counted = new CountingInputStream(in);
						InputStream decoded = this.source.codec().decode(counted, key)) {
					decoded.transferTo(spool);
					this.downloaded.addAndGet(counted.count());
				}
				catch (IOException ex) {
					throw damaged(key, ex);
				}
				spool.close();
				return spool;
			}
			catch (RuntimeException ex) {
				spool.discard();
				throw ex;
			}
		});
	}

	private void downloadSnapshot() {
		ReplicaClient client = this.source.client();
		String key = ReplicaPaths.key(this.plan.snapshot());
		try (SnapshotFile out = new SnapshotFile(this.database.path(), this.flusher);
				InputStream in = open(client, key,
						() -> client.openSnapshot(this.plan.generation(), this.plan.snapshot().index(),
								this.plan.snapshot().compression()));
				CountingInputStream counted = new CountingInputStream(in);
				InputStream decoded = this.source.codec().decode(counted, key)) {
			// Whole 64 KiB writes: the snapshot is most of a large restore, and file
			// writes of 8 KiB (transferTo's) took twice as long, of 1 MiB heap buffers
			// longer still (the JDK copies them to a temporary buffer).
			byte[] buffer = new byte[SNAPSHOT_WRITE_SIZE];
			int n;
			while ((n = decoded.readNBytes(buffer, 0, buffer.length)) > 0) {
				out.write(buffer, n);
			}
			out.awaitFlush();
			this.downloaded.addAndGet(counted.count());
		}
		catch (IOException ex) {
			throw damaged(key, ex);
		}
	}

	private static InputStream open(ReplicaClient client, String key, Opener opener) {
		try {
			return opener.open();
		}
		catch (NoSuchFileException ex) {
			throw new CorruptReplicaException(key, "missing: listed in the replica but gone when read");
		}
		catch (IOException ex) {
			throw new LitestreamException("Cannot read " + key + " from " + client.location() + ": " + ex.getMessage(),
					ex);
		}
	}

	private static RuntimeException damaged(String key, IOException ex) {
		return new CorruptReplicaException(key, "damaged: " + ex.getMessage(), ex);
	}

	/** Waits for a task of the restore, and rethrows its failure as it was thrown. */
	static <T> T await(Future<T> future) throws IOException {
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LitestreamException("Restore interrupted", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof IOException io) {
				throw io;
			}
			throw new LitestreamException("Restore failed: " + cause, cause);
		}
	}

	@FunctionalInterface
	private interface Opener {

		InputStream open() throws IOException;

	}

}
