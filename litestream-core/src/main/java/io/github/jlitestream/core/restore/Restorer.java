package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.codec.Spool;
import io.github.jlitestream.core.layout.ReplicaPaths;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a database from a replica into a new file. Objects are downloaded in parallel and applied in order,
 * after verifying each one; the result is built in a temporary directory beside the output, checked with
 * {@code PRAGMA integrity_check}, and moved into place atomically. On any failure no output file is written.
 *
 * @since 0.1.0
 */
public final class Restorer {

	private static final Logger logger = LoggerFactory.getLogger(Restorer.class);

	private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

	/** Decoded segments up to this size stay in memory while they wait to be applied. */
	private static final int SEGMENT_MEMORY_LIMIT = 4 * 1024 * 1024;

	/** SQLite caps the map at its compile-time maximum; larger databases are read through the map as far as it goes. */
	private static final long INTEGRITY_CHECK_MMAP_SIZE = 1L << 40;

	/** The size of each write of the snapshot into the restored file. */
	private static final int SNAPSHOT_WRITE_SIZE = 64 * 1024;

	/** While a snapshot is written, a force in the background each time this much more was written. */
	private static final long FLUSH_AHEAD_BYTES = 128L << 20;

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
		return restore(List.of(client), options, progress);
	}

	/** Restores from several replicas that all use this restorer's codec. */
	public RestoreResult restore(List<ReplicaClient> clients, RestoreOptions options, RestoreProgress progress)
			throws IOException {
		return restoreFrom(clients.stream().map((client) -> new Source(client, this.codec)).toList(), options,
				progress);
	}

	/**
	 * Restores from whichever of {@code clients} holds the newest matching state (for a point in time: the one
	 * whose chosen objects are newest), as Litestream chooses among replicas.
	 * @throws NoBackupException when no replica holds anything that matches
	 */
	public static RestoreResult restoreFrom(List<Source> sources, RestoreOptions options, RestoreProgress progress)
			throws IOException {
		long started = System.nanoTime();
		Path output = options.outputPath();
		checkOutput(output, options.overwrite());
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
		if (plan == null || source == null) {
			String where = String.join(", ", sources.stream().map((s) -> s.client().location()).toList());
			throw new NoBackupException("No backup to restore in " + where + describeTarget(options));
		}
		if (plan.roundedDown() != null && options.timestamp() != null) {
			logger.warn(plan.roundedDown().describe(options.timestamp()));
		}
		Path work = output.resolveSibling("." + output.getFileName() + ".restore-" + UUID.randomUUID());
		Files.createDirectories(work);
		ExecutorService downloads = Executors.newFixedThreadPool(options.parallelism(), daemon("litestream-restore"));
		// Forces to disk run beside the downloads, and in their own thread, so that waiting for one never waits for
		// a download queued behind it.
		ExecutorService flusher = Executors.newSingleThreadExecutor(daemon("litestream-restore-flush"));
		try {
			Path database = work.resolve("database");
			AtomicLong downloaded = new AtomicLong();
			ReplicaClient client = source.client();
			Applied applied = apply(source, plan, database, work, downloads, flusher, options.parallelism(),
					downloaded, progress);
			forceWhileChecking(database, options.integrityCheck(), flusher);
			moveIntoPlace(database, output, options.overwrite());
			Duration duration = Duration.ofNanos(System.nanoTime() - started);
			RestoreResult result = new RestoreResult(output, applied.position(), plan.snapshot().index(),
					plan.segments().size(), Files.size(output), downloaded.get(), plan.lastChangeAt(), duration,
					plan.roundedDown());
			logger.info("restored {} from {} generation={} position={} bytes={} downloaded={} in {} ms", output,
					client.location(), plan.generation(), applied.position(), result.databaseBytes(),
					result.downloadedBytes(), duration.toMillis());
			return result;
		}
		finally {
			downloads.shutdownNow();
			flusher.shutdownNow();
			deleteTree(work);
		}
	}

	private static Applied apply(Source source, RestorePlan plan, Path database, Path work, ExecutorService downloads,
			ExecutorService flusher, int parallelism, AtomicLong downloaded, RestoreProgress progress)
			throws IOException {
		int total = 1 + plan.segments().size();
		Future<?> snapshot = downloads.submit(() -> {
			downloadSnapshot(source, plan, database, downloaded, flusher);
			return null;
		});
		// Segments download ahead of the applier, at most a window of them at once, so memory and disk stay bounded.
		Deque<Future<Spool>> window = new ArrayDeque<>();
		int nextToSubmit = 0;
		int windowSize = parallelism * 4;
		for (; nextToSubmit < Math.min(windowSize, plan.segments().size()); nextToSubmit++) {
			window.add(submitSegment(source, plan.segments().get(nextToSubmit), work, downloads, downloaded));
		}
		await(snapshot);
		int done = 1;
		progress.progress(done, total, downloaded.get());
		long position = 0;
		int pageSize = checkSnapshot(database, ReplicaPaths.key(plan.snapshot()));
		try (FileChannel db = FileChannel.open(database, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
			WalApplier applier = new WalApplier(db, pageSize);
			int i = 0;
			List<WalSegmentInfo> segments = plan.segments();
			long lastIndex = plan.snapshot().index();
			while (i < segments.size()) {
				long index = segments.get(i).index();
				Path wal = work.resolve("%08x.wal".formatted(index));
				List<WalApplier.Segment> parts = new ArrayList<>();
				try (OutputStream out = Files.newOutputStream(wal)) {
					long length = 0;
					for (; i < segments.size() && segments.get(i).index() == index; i++) {
						WalSegmentInfo segment = segments.get(i);
						String key = ReplicaPaths.key(segment);
						Spool spool = await(window.removeFirst());
						if (nextToSubmit < segments.size()) {
							window.add(submitSegment(source, segments.get(nextToSubmit++), work, downloads, downloaded));
						}
						try {
							if (segment.offset() != length) {
								throw new CorruptReplicaException(key, "starts at WAL offset " + segment.offset()
										+ " but the segments before it end at " + length
										+ ((segment.offset() > length) ? ": a segment is missing" : ": segments overlap"));
							}
							parts.add(new WalApplier.Segment(key, segment.offset()));
							try (InputStream in = spool.content().open()) {
								length += in.transferTo(out);
							}
						}
						finally {
							spool.discard();
						}
						progress.progress(++done, total, downloaded.get());
					}
					position = length;
				}
				boolean last = i >= segments.size();
				applier.apply(index, wal, parts, last && plan.cutShort());
				Files.delete(wal);
				lastIndex = index;
			}
			return new Applied(new Position(plan.generation(), lastIndex, position));
		}
		finally {
			window.forEach((future) -> future.cancel(true));
		}
	}

	private static Future<Spool> submitSegment(Source source, WalSegmentInfo segment, Path work,
			ExecutorService downloads, AtomicLong downloaded) {
		ReplicaClient client = source.client();
		return downloads.submit(() -> {
			String key = ReplicaPaths.key(segment);
			Spool spool = new Spool(work, SEGMENT_MEMORY_LIMIT);
			try {
				try (InputStream in = open(client, key, () -> client.openWalSegment(segment.generation(),
						segment.index(), segment.offset(), segment.compression()));
						CountingInputStream counted = new CountingInputStream(in);
						InputStream decoded = source.codec().decode(counted, key)) {
					decoded.transferTo(spool);
					downloaded.addAndGet(counted.count());
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

	private static void downloadSnapshot(Source source, RestorePlan plan, Path database, AtomicLong downloaded,
			ExecutorService flusher) {
		ReplicaClient client = source.client();
		String key = ReplicaPaths.key(plan.snapshot());
		try (SnapshotFile out = new SnapshotFile(database, flusher);
				InputStream in = open(client, key, () -> client.openSnapshot(plan.generation(),
						plan.snapshot().index(), plan.snapshot().compression()));
				CountingInputStream counted = new CountingInputStream(in);
				InputStream decoded = source.codec().decode(counted, key)) {
			// Whole 64 KiB writes: the snapshot is most of a large restore, and file writes of 8 KiB (transferTo's)
			// took twice as long, of 1 MiB heap buffers longer still (the JDK copies them to a temporary buffer).
			byte[] buffer = new byte[SNAPSHOT_WRITE_SIZE];
			int n;
			while ((n = decoded.readNBytes(buffer, 0, buffer.length)) > 0) {
				out.write(buffer, n);
			}
			out.awaitFlush();
			downloaded.addAndGet(counted.count());
		}
		catch (IOException ex) {
			throw damaged(key, ex);
		}
	}

	/**
	 * The restored file as the snapshot is written into it. Its own failures are the local disk's, told apart from
	 * a damaged snapshot; while it is written, a force runs in the background each time {@link #FLUSH_AHEAD_BYTES}
	 * more were written, so the disk writes while the rest downloads rather than all of it at the final force.
	 */
	private static final class SnapshotFile implements AutoCloseable {

		private final Path path;

		private final FileChannel channel;

		private final ExecutorService flusher;

		private long unflushed;

		private @Nullable Future<?> flushing;

		SnapshotFile(Path path, ExecutorService flusher) {
			this.path = path;
			this.flusher = flusher;
			try {
				this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
			}
			catch (IOException ex) {
				throw localFailure(path, ex);
			}
		}

		void write(byte[] buffer, int length) {
			ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, length);
			try {
				while (chunk.hasRemaining()) {
					this.unflushed += this.channel.write(chunk);
				}
			}
			catch (IOException ex) {
				throw localFailure(this.path, ex);
			}
			if (this.unflushed >= FLUSH_AHEAD_BYTES && (this.flushing == null || this.flushing.isDone())) {
				this.unflushed = 0;
				this.flushing = this.flusher.submit(() -> {
					this.channel.force(false);
					return null;
				});
			}
		}

		void awaitFlush() {
			if (this.flushing != null) {
				try {
					await(this.flushing);
				}
				catch (IOException ex) {
					throw localFailure(this.path, ex);
				}
			}
		}

		@Override
		public void close() {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				throw localFailure(this.path, ex);
			}
		}

		private static LitestreamException localFailure(Path path, IOException ex) {
			return new LitestreamException("Cannot write the restored database to " + path + ": " + ex.getMessage(),
					ex);
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

	/** Checks that the snapshot is a SQLite database and returns its page size (0 for an empty file). */
	private static int checkSnapshot(Path database, String key) throws IOException {
		long size = Files.size(database);
		if (size == 0) {
			return 0; // the database had everything in its WAL: the page size comes from the WAL header
		}
		byte[] header = new byte[100];
		try (InputStream in = Files.newInputStream(database)) {
			if (in.readNBytes(header, 0, 100) < 100) {
				throw new CorruptReplicaException(key, "not a SQLite database: only " + size + " bytes");
			}
		}
		for (int i = 0; i < SQLITE_MAGIC.length; i++) {
			if (header[i] != SQLITE_MAGIC[i]) {
				throw new CorruptReplicaException(key, "not a SQLite database: bad header");
			}
		}
		int pageSize = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
		pageSize = (pageSize == 1) ? 65536 : pageSize;
		if (pageSize < 512 || Integer.bitCount(pageSize) != 1 || size % pageSize != 0) {
			throw new CorruptReplicaException(key, "snapshot of " + size + " bytes is not whole pages of " + pageSize);
		}
		return pageSize;
	}

	/**
	 * Forces the restored file to disk while SQLite checks it from the page cache, since the two take about as long;
	 * a failed check is what the caller hears about, with a failed force attached.
	 */
	private static void forceWhileChecking(Path database, boolean integrityCheck, ExecutorService executor)
			throws IOException {
		Future<?> durable = executor.submit(() -> {
			try (FileChannel db = FileChannel.open(database, StandardOpenOption.WRITE)) {
				db.force(true);
			}
			return null;
		});
		try {
			if (integrityCheck) {
				checkIntegrity(database);
			}
		}
		catch (RuntimeException ex) {
			try {
				await(durable);
			}
			catch (IOException | RuntimeException forceFailure) {
				ex.addSuppressed(forceFailure);
			}
			throw ex;
		}
		await(durable);
	}

	private static void checkIntegrity(Path database) throws IOException {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement()) {
			// Pages read through a memory map rather than a read call each: the check of 1 GB took half the time.
			statement.execute("PRAGMA mmap_size = " + INTEGRITY_CHECK_MMAP_SIZE);
			checkIntegrity(statement);
		}
		catch (SQLException ex) {
			throw new LitestreamException("Restored database cannot be checked: " + ex.getMessage(), ex);
		}
	}

	private static void checkIntegrity(Statement statement) throws SQLException {
		try (ResultSet rs = statement.executeQuery("PRAGMA integrity_check")) {
			List<String> problems = new ArrayList<>();
			while (rs.next()) {
				problems.add(rs.getString(1));
			}
			if (!problems.equals(List.of("ok"))) {
				throw new LitestreamException("Restored database fails PRAGMA integrity_check: "
						+ String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
			}
		}
	}

	private static void checkOutput(Path output, boolean overwrite) {
		if (!Files.isDirectory(output.getParent())) {
			throw new LitestreamException("Cannot restore to " + output + ": directory " + output.getParent()
					+ " does not exist");
		}
		if (Files.exists(output) && !overwrite) {
			throw new LitestreamException("Cannot restore to " + output + ": the file exists (restore never "
					+ "overwrites a database unless asked to)");
		}
	}

	private static void moveIntoPlace(Path database, Path output, boolean overwrite) throws IOException {
		// A WAL or shared-memory file left from an earlier database would be replayed onto the restored one.
		for (String suffix : new String[] { "-wal", "-shm" }) {
			Path stale = output.resolveSibling(output.getFileName() + suffix);
			if (Files.exists(stale)) {
				Path aside = output.resolveSibling(output.getFileName() + suffix + ".stale-" + Instant.now()
					.toEpochMilli());
				Files.move(stale, aside);
				logger.warn("moved stale {} aside to {} before restoring {}", stale, aside, output);
			}
		}
		if (overwrite) {
			Files.move(database, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		else {
			Files.move(database, output, StandardCopyOption.ATOMIC_MOVE);
		}
		try (FileChannel dir = FileChannel.open(output.getParent(), StandardOpenOption.READ)) {
			dir.force(true);
		}
		catch (IOException ex) {
			// not every platform can sync a directory
		}
	}

	private static String describeTarget(RestoreOptions options) {
		StringBuilder target = new StringBuilder();
		if (options.generation() != null) {
			target.append(" for generation ").append(options.generation());
		}
		if (options.timestamp() != null) {
			target.append(" at or before ").append(options.timestamp());
		}
		if (options.index() != null) {
			target.append(" up to WAL index %08x".formatted(options.index()));
		}
		return target.append(" (no generation with a snapshot)").toString();
	}

	private static java.util.concurrent.ThreadFactory daemon(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	private static <T> T await(Future<T> future) throws IOException {
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

	private static void deleteTree(Path root) {
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
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

	@FunctionalInterface
	private interface Opener {

		InputStream open() throws IOException;

	}

	private record Applied(Position position) {
	}

}
