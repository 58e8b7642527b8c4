package io.github.jlitestream.faults;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.jlitestream.actuate.endpoint.LitestreamEndpoint;
import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ForwardingReplicaClient;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.util.Failpoints;
import io.github.jlitestream.health.LitestreamHealthIndicator;
import io.github.jlitestream.s3.S3ReplicaClientFactory;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;

/**
 * The engine of the fault campaign, in a process of its own that the campaign kills:
 * replicates the database the writer process writes, with short intervals so that
 * checkpoints, snapshots and retention all happen within a trial. Once armed (a delay
 * after the start), the first time it reaches its kill point it prints
 * {@code AT <place> <epoch millis>} and stops there for the kill. It prints
 * {@code STARTED}, {@code GEN <generation> <reason>} for each new generation,
 * {@code SYNC <millis> <epoch millis>} after each successful upload round (how long it
 * took, when it ended), {@code SNAPSHOT <millis> <epoch millis>} after each snapshot; a
 * line {@code stop} stops it gracefully ({@code STOPPED <complete>}). Arguments: database
 * path, replica ({@code file:DIR} or {@code s3:ENDPOINT URL}), kill point, arm delay in
 * milliseconds, then options: {@code status} prints {@code HEALTH <status> <details>}
 * (the starter's health indicator) and {@code ENDPOINT <database>} (what
 * {@code /actuator/litestream} shows) every 200 ms; {@code meta=DIR} keeps the engine's
 * local state there; {@code socket-timeout=MILLIS} for the S3 client;
 * {@code no-space=FILE} fails every write of the shadow WAL with "No space left on
 * device" while {@code FILE} exists (the injected variant of a full disk). A line
 * {@code dump} prints every thread's stack, and option {@code watchdog} prints them
 * ({@code STALL <millis>}) when no upload ended for 8 s.
 */
public final class FaultEngine {

	static final Duration SYNC_INTERVAL = Duration.ofMillis(100);

	/** Complete WAL indexes older than this are compacted while the campaign runs. */
	static final Duration COMPACTION_AGE = Duration.ofSeconds(1);

	private static final AtomicBoolean armed = new AtomicBoolean();

	private static volatile KillPoint point = KillPoint.RANDOM;

	/** No upload for this long while the writer writes is a stall worth a thread dump. */
	private static final Duration STALL = Duration.ofSeconds(8);

	private static volatile boolean stopped;

	private static volatile long lastSyncAt = System.currentTimeMillis();

	private FaultEngine() {
	}

	public static void main(String[] args) throws Exception {
		Path path = Path.of(args[0]);
		Map<String, String> options = options(args);
		ReplicaClient store = store(args[1], options);
		point = KillPoint.of(args[2]);
		long armAfter = Long.parseLong(args[3]);
		String noSpace = options.get("no-space");
		if (noSpace != null) {
			Path flag = Path.of(noSpace);
			Failpoints.set((name) -> {
				if (name.equals(Failpoints.SHADOW_WRITE) && Files.exists(flag)) {
					throw new UncheckedIOException(new IOException("No space left on device (injected)"));
				}
			});
		}
		if (point == KillPoint.CHECKPOINT) {
			Failpoints.set((name) -> {
				if (name.equals(Failpoints.CHECKPOINT_BACKFILL) || name.equals(Failpoints.CHECKPOINT_RETAKE_READ)) {
					stopHere(name);
				}
			});
		}
		if (point == KillPoint.COMPACTION) {
			Failpoints.set((name) -> {
				if (name.equals(Failpoints.COMPACTION_DELETE)) {
					stopHere(name);
				}
			});
		}
		ReplicationManager manager = new ReplicationManager(new Printer(), Clock.systemUTC());
		manager.add("app",
				DatabaseOptions.builder(path)
					.metaPath(options.containsKey("meta") ? Path.of(options.get("meta")) : null)
					.monitorInterval(Duration.ofMillis(50))
					.minCheckpointPageCount(100)
					.maxCheckpointPageCount(800)
					.checkpointInterval(Duration.ofSeconds(1))
					.build(),
				List.of(new ReplicaSpec(new Stalling(store),
						ReplicaOptions.builder(store.type())
							.syncInterval(SYNC_INTERVAL)
							.snapshotInterval(Duration.ofSeconds(2))
							.retention(Duration.ofSeconds(3))
							.retentionCheckInterval(Duration.ofMillis(700))
							// a WAL index a second old is compacted, inside retention
							.compactionAge(COMPACTION_AGE)
							.build())));
		manager.start();
		System.out.println("STARTED " + System.currentTimeMillis());
		if (options.containsKey("watchdog")) {
			watchForStalls();
		}
		if (options.containsKey("status")) {
			printStatus(manager);
		}
		Thread arm = new Thread(() -> {
			try {
				Thread.sleep(armAfter);
				armed.set(true);
				System.out.println("ARMED " + System.currentTimeMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		arm.setDaemon(true);
		arm.start();
		BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = input.readLine()) != null && !line.equals("stop")) {
			if (line.equals("dump")) {
				dumpThreads();
			}
		}
		armed.set(false);
		Failpoints.set(null);
		// a snapshot of the soak's large database may be in flight: more than the default
		// 20 s
		System.out.println("STOPPED " + manager.stop(Duration.ofMinutes(2)));
		store.close();
	}

	/** The options after the four arguments: {@code key=value}, or a bare {@code key}. */
	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (int i = 4; i < args.length; i++) {
			int equals = args[i].indexOf('=');
			options.put((equals < 0) ? args[i] : args[i].substring(0, equals),
					(equals < 0) ? "" : args[i].substring(equals + 1));
		}
		return options;
	}

	private static ReplicaClient store(String spec, Map<String, String> options) {
		if (spec.startsWith("file:")) {
			return new FileReplicaClient(Path.of(spec.substring("file:".length())));
		}
		String[] parts = spec.substring("s3:".length()).split(" ");
		S3ReplicaClientFactory.Builder factory = S3ReplicaClientFactory.builder()
			.endpoint(URI.create(parts[0]))
			.region(S3ProxyServer.REGION)
			.forcePathStyle(true)
			.credentials(S3ProxyServer.DEFAULT_ACCESS_KEY, S3ProxyServer.DEFAULT_SECRET_KEY)
			.customizer(S3ProxyServer::configureS3Client);
		if (options.containsKey("socket-timeout")) {
			factory.socketTimeout(Duration.ofMillis(Long.parseLong(options.get("socket-timeout"))));
		}
		return factory.build().create(parts[1]);
	}

	/**
	 * Every 200 ms, what an operator would see: the starter's health indicator (as
	 * {@code /actuator/health/litestream} shows it) and the database as
	 * {@code /actuator/litestream} shows it.
	 */
	private static void printStatus(ReplicationManager manager) {
		LitestreamHealthIndicator health = new LitestreamHealthIndicator(manager, Duration.ofSeconds(30), 3);
		LitestreamEndpoint endpoint = new LitestreamEndpoint(manager, Clock.systemUTC());
		Thread printer = new Thread(() -> {
			while (true) {
				Health now = health.health(true);
				System.out.println("HEALTH " + System.currentTimeMillis() + " " + now.getStatus().getCode() + " "
						+ now.getDetails());
				System.out
					.println("ENDPOINT " + System.currentTimeMillis() + " " + endpoint.status().databases().get("app"));
				try {
					Thread.sleep(200);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "fault-engine-status");
		printer.setDaemon(true);
		printer.start();
	}

	/**
	 * Prints {@code STALL <millis>} and every thread's stack once uploads stopped for
	 * {@link #STALL} although the writer never stops (once per stall): a replication
	 * stall shows where the engine waits, in any trial.
	 */
	private static void watchForStalls() {
		Thread watchdog = new Thread(() -> {
			boolean reported = false;
			while (true) {
				try {
					Thread.sleep(500);
				}
				catch (InterruptedException ex) {
					return;
				}
				long quiet = System.currentTimeMillis() - lastSyncAt;
				if (quiet > STALL.toMillis() && !reported && !stopped) {
					System.out.println("STALL " + quiet);
					dumpThreads();
				}
				reported = quiet > STALL.toMillis();
			}
		}, "fault-engine-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	/**
	 * Every thread's stack, each line prefixed {@code DUMP}, then {@code DUMPED}: what
	 * the campaign reports when the engine does not reach its kill point.
	 */
	private static void dumpThreads() {
		StringBuilder dump = new StringBuilder();
		Thread.getAllStackTraces().forEach((thread, stack) -> {
			dump.append("DUMP \"").append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
			for (StackTraceElement frame : stack) {
				dump.append("DUMP     at ").append(frame).append('\n');
			}
		});
		System.out.print(dump);
		System.out.println("DUMPED");
		System.out.flush();
	}

	/**
	 * Stops the calling engine thread for good when armed, the first time only: the
	 * campaign kills the process once it read the line.
	 */
	static void stopHere(String place) {
		if (armed.compareAndSet(true, false)) {
			stopped = true;
			System.out.println("AT " + place + " " + System.currentTimeMillis());
			System.out.flush();
			try {
				Thread.sleep(Long.MAX_VALUE);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static final class Printer implements ReplicationListener {

		@Override
		public void onCompaction(String database, String replica, int indexes, long bytesBefore, long bytesAfter,
				int deleted) {
			System.out.println("COMPACTED " + indexes + " " + bytesBefore + " " + bytesAfter + " " + deleted);
		}

		@Override
		public void onGenerationChange(String database, Generation generation, String reason) {
			System.out.println("GEN " + generation + " " + reason);
		}

		@Override
		public void onSync(String database, String replica, Duration duration, @Nullable Throwable failure) {
			if (failure == null) {
				lastSyncAt = System.currentTimeMillis();
				System.out.println("SYNC " + duration.toMillis() + " " + System.currentTimeMillis());
			}
		}

		@Override
		public void onSnapshot(String database, String replica, long bytes, Duration duration,
				@Nullable Throwable failure) {
			if (failure == null) {
				System.out.println("SNAPSHOT " + duration.toMillis() + " " + System.currentTimeMillis());
			}
		}

	}

	/** Stops inside the kill point's store operation, half-way through. */
	private static final class Stalling extends ForwardingReplicaClient {

		Stalling(ReplicaClient delegate) {
			super(delegate);
		}

		@Override
		public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression,
				ObjectContent content) throws IOException {
			return super.writeSnapshot(generation, index, compression,
					(point == KillPoint.SNAPSHOT_UPLOAD) ? halfWay(content, "snapshot-upload") : content);
		}

		@Override
		public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
				ObjectContent content) throws IOException {
			return super.writeWalSegment(generation, index, offset, compression,
					(point == KillPoint.SEGMENT_UPLOAD) ? halfWay(content, "segment-upload") : content);
		}

		@Override
		public WalSegmentInfo replaceWalSegment(Generation generation, long index, long offset, Compression compression,
				ObjectContent content, Instant createdAt) throws IOException {
			boolean stop = point == KillPoint.COMPACTION && ThreadLocalRandom.current().nextBoolean();
			return super.replaceWalSegment(generation, index, offset, compression,
					stop ? halfWay(content, "compaction.replace") : content, createdAt);
		}

		@Override
		public void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException {
			List<SnapshotInfo> all = new ArrayList<>(snapshots);
			if (stopsHalfWay(all)) {
				super.deleteSnapshots(all.subList(0, all.size() / 2));
				stopHere("retention.snapshots");
			}
			super.deleteSnapshots(all);
		}

		@Override
		public void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException {
			List<WalSegmentInfo> all = new ArrayList<>(segments);
			if (stopsHalfWay(all)) {
				super.deleteWalSegments(all.subList(0, all.size() / 2));
				stopHere("retention.segments");
			}
			super.deleteWalSegments(all);
		}

		@Override
		public void deleteGeneration(Generation generation) throws IOException {
			if (point == KillPoint.RETENTION) {
				stopHere("retention.generation");
			}
			super.deleteGeneration(generation);
		}

		private static boolean stopsHalfWay(List<?> items) {
			return point == KillPoint.RETENTION && armed.get() && items.size() >= 2;
		}

		private static ObjectContent halfWay(ObjectContent content, String place) {
			return new ObjectContent() {

				@Override
				public long length() {
					return content.length();
				}

				@Override
				public InputStream open() throws IOException {
					return new StallingStream(content.open(), content.length() / 2, place);
				}

			};
		}

	}

	/** Passes bytes through, and stops for good once {@code after} bytes were read. */
	private static final class StallingStream extends FilterInputStream {

		private final long after;

		private final String place;

		private long read;

		StallingStream(InputStream in, long after, String place) {
			super(in);
			this.after = after;
			this.place = place;
		}

		@Override
		public int read() throws IOException {
			check();
			int b = super.read();
			this.read += (b < 0) ? 0 : 1;
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			check();
			int n = super.read(buffer, offset,
					(this.read < this.after) ? (int) Math.min(length, this.after - this.read) : length);
			this.read += Math.max(0, n);
			return n;
		}

		private void check() {
			if (this.read >= this.after) {
				stopHere(this.place);
			}
		}

	}

}
