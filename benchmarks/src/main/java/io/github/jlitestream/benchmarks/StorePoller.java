package io.github.jlitestream.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import net.jpountz.lz4.LZ4FrameInputStream;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Watches a replica in the store from outside the replicator, with its own S3 client:
 * lists the generation's {@code wal/} prefix (ListObjectsV2) every poll interval from its
 * own thread, and records the time each new segment was first listed. A listing starts
 * after the greatest key seen so far: both replicators upload one replica's segments one
 * at a time, in position order, and keys sort by index then offset (fixed-width hex), so
 * a new segment's key is always greater. Each new segment is then downloaded (by a small
 * pool, which does not delay the listing) to learn its decompressed length and the salts
 * of its WAL lifetime.
 * <p>
 * The recorded time is when the listing that first showed the segment returned: an upper
 * bound of the moment the object became readable, late by at most one poll interval plus
 * one listing round trip.
 */
final class StorePoller implements AutoCloseable {

	private final S3Client s3;

	private final String bucket;

	private final String prefix;

	private final Duration interval;

	private final List<Segment> segments = new CopyOnWriteArrayList<>();

	private final ExecutorService downloads = Executors.newFixedThreadPool(2, (runnable) -> {
		Thread thread = new Thread(runnable, "benchmark-poller-download");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger pendingDownloads = new AtomicInteger();

	private final AtomicLong listings = new AtomicLong();

	private final AtomicLong listingNanos = new AtomicLong();

	private volatile boolean running;

	private volatile @Nullable Throwable failure;

	private @Nullable Thread thread;

	private @Nullable String walPrefix;

	StorePoller(S3Client s3, String bucket, String prefix, Duration interval) {
		this.s3 = s3;
		this.bucket = bucket;
		this.prefix = prefix;
		this.interval = interval;
	}

	/**
	 * Waits until exactly one generation holds a snapshot and a WAL segment; returns its
	 * id.
	 */
	String awaitReplica(Duration timeout, Process process) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (process != null && !process.isAlive()) {
				throw new IllegalStateException("the replicator exited with " + process.exitValue());
			}
			List<String> generations = new ArrayList<>();
			ListObjectsV2Response response = this.s3
				.listObjectsV2((b) -> b.bucket(this.bucket).prefix(this.prefix + "/generations/").delimiter("/"));
			for (CommonPrefix common : response.commonPrefixes()) {
				String p = common.prefix();
				generations.add(p.substring(p.lastIndexOf('/', p.length() - 2) + 1, p.length() - 1));
			}
			if (generations.size() == 1) {
				String generation = generations.get(0);
				String dir = this.prefix + "/generations/" + generation + "/";
				boolean snapshot = !this.s3.listObjectsV2((b) -> b.bucket(this.bucket).prefix(dir + "snapshots/"))
					.contents()
					.isEmpty();
				boolean wal = !this.s3.listObjectsV2((b) -> b.bucket(this.bucket).prefix(dir + "wal/"))
					.contents()
					.isEmpty();
				if (snapshot && wal) {
					return generation;
				}
			}
			else if (generations.size() > 1) {
				throw new IllegalStateException("more than one generation: " + generations);
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException("no snapshot and WAL segment in s3://" + this.bucket + "/" + this.prefix
				+ " after " + timeout.toSeconds() + " s");
	}

	/**
	 * Starts polling the WAL segments of {@code generation}; segments already there are
	 * taken as known.
	 */
	void start(String generation) {
		this.walPrefix = this.prefix + "/generations/" + generation + "/wal/";
		String last = null;
		for (S3Object object : listAll(null)) {
			if (Segment.parse(object.key(), 0, 0) != null) {
				last = object.key();
			}
		}
		String startAfter = last;
		this.running = true;
		this.thread = new Thread(() -> loop(startAfter), "benchmark-poller");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void loop(@Nullable String startAfter) {
		String last = startAfter;
		long period = this.interval.toNanos();
		try {
			while (this.running) {
				long started = System.nanoTime();
				List<S3Object> listed = listAll(last);
				long listedAt = System.nanoTime();
				this.listings.incrementAndGet();
				this.listingNanos.addAndGet(listedAt - started);
				for (S3Object object : listed) {
					Segment segment = Segment.parse(object.key(), listedAt, started);
					if (segment != null) {
						// Only complete segments move the listing on: S3Proxy's file
						// store also lists the temporary file of an upload in progress,
						// whose name sorts after the segment's.
						last = object.key();
						this.segments.add(segment);
						this.pendingDownloads.incrementAndGet();
						this.downloads.execute(() -> download(object.key(), segment));
					}
				}
				SqliteWriter.pace(started + period);
			}
		}
		catch (RuntimeException ex) {
			this.failure = ex;
		}
	}

	private List<S3Object> listAll(@Nullable String startAfter) {
		List<S3Object> all = new ArrayList<>();
		String token = null;
		do {
			ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
				.bucket(this.bucket)
				.prefix(this.walPrefix);
			if (token != null) {
				request.continuationToken(token);
			}
			else if (startAfter != null) {
				request.startAfter(startAfter);
			}
			ListObjectsV2Response response = this.s3.listObjectsV2(request.build());
			all.addAll(response.contents());
			token = Boolean.TRUE.equals(response.isTruncated()) ? response.nextContinuationToken() : null;
		}
		while (token != null);
		return all;
	}

	private void download(String key, Segment segment) {
		try {
			byte[] stored = this.s3.getObjectAsBytes((b) -> b.bucket(this.bucket).key(key)).asByteArray();
			try (InputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(stored))) {
				byte[] head = in.readNBytes(32);
				long length = head.length;
				byte[] buffer = new byte[64 * 1024];
				int n;
				while ((n = in.read(buffer)) > 0) {
					length += n;
				}
				ByteBuffer view = ByteBuffer.wrap(head);
				// The lifetime's salts: in the WAL header at offset 0, else in the first
				// frame's header.
				segment.salts = (segment.offset == 0) ? view.getLong(16) : view.getLong(8);
				segment.length = length;
			}
		}
		catch (IOException | RuntimeException ex) {
			this.failure = new IllegalStateException("cannot read " + key + ": " + ex, ex);
		}
		finally {
			this.pendingDownloads.decrementAndGet();
		}
	}

	/** The segments listed so far, in the order they were first listed. */
	List<Segment> segments() {
		return List.copyOf(this.segments);
	}

	/** Whether every listed segment has been downloaded. */
	boolean settled() {
		return this.pendingDownloads.get() == 0;
	}

	long listings() {
		return this.listings.get();
	}

	double meanListingMillis() {
		long n = this.listings.get();
		return (n == 0) ? Double.NaN : this.listingNanos.get() / 1e6 / n;
	}

	/** Throws the first failure of the polling or downloading threads. */
	void check() {
		Throwable ex = this.failure;
		if (ex != null) {
			throw new IllegalStateException("store poller failed: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		if (this.thread != null) {
			this.thread.join(10_000);
		}
		this.downloads.shutdown();
		this.downloads.awaitTermination(30, TimeUnit.SECONDS);
	}

	/** A WAL segment as first listed. */
	static final class Segment {

		final long index;

		final long offset;

		/** When the listing that first showed it returned ({@link System#nanoTime()}). */
		final long seenAt;

		/** When that listing was sent. */
		final long listStartedAt;

		/** Decompressed length, once downloaded; -1 before. */
		volatile long length = -1;

		volatile long salts;

		Segment(long index, long offset, long seenAt, long listStartedAt) {
			this.index = index;
			this.offset = offset;
			this.seenAt = seenAt;
			this.listStartedAt = listStartedAt;
		}

		static @Nullable Segment parse(String key, long seenAt, long listStartedAt) {
			String name = key.substring(key.lastIndexOf('/') + 1);
			if (!name.matches("[0-9a-f]{8}_[0-9a-f]{8}\\.wal\\.lz4")) {
				return null;
			}
			return new Segment(Long.parseLong(name.substring(0, 8), 16), Long.parseLong(name.substring(9, 17), 16),
					seenAt, listStartedAt);
		}

	}

}
