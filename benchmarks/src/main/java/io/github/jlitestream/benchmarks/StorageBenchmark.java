package io.github.jlitestream.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.s3.S3ReplicaClient;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * 5. Storage after compaction ({@code --only storage}; not in the default run: it writes
 * for {@code --storage-minutes}, 20 by default, per replicator). One-row inserts and
 * updates of a hot set of 1,000 rows at 500 tx/s, replicated by this engine with
 * {@code compaction-age} shortened to a minute (every other setting the default) and by
 * Litestream v0.3.13 with its defaults, one after the other on the same S3Proxy. After
 * the writer stops, this engine runs until every complete index is compacted and the
 * segments it replaced are deleted. Measured: the replica's objects and bytes (listed),
 * the calls S3Proxy made to its store for each replicator (PUT, GET, LIST, DELETE as the
 * store saw them), this engine's own request count, and the time to restore the latest
 * state from the compacted replica against the same database restored from a replica
 * holding a single snapshot of it.
 */
final class StorageBenchmark {

	private static final double RATE = 500;

	private static final int HOT_ROWS = 1_000;

	private final Env env;

	private final Report report;

	private final Duration writeFor;

	private final Duration compactionAge;

	StorageBenchmark(Env env, Report report, Duration writeFor, Duration compactionAge) {
		this.env = env;
		this.report = report;
		this.writeFor = writeFor;
		this.compactionAge = compactionAge;
	}

	Map<String, Object> run() throws Exception {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("rateTxPerSec", RATE);
		json.put("writeSeconds", this.writeFor.toSeconds());
		json.put("compactionAgeSeconds", this.compactionAge.toSeconds());
		Stored ours;
		Stored theirs;
		double compactedRestore;
		double snapshotRestore;
		double litestreamRestore;
		Map<String, Long> requests;
		Map<String, Long> ourCalls;
		Map<String, Long> theirCalls;
		try (Env.Run run = this.env.newRun("storage-engine")) {
			this.env.server().resetStoreCalls();
			requests = writeWithEngine(run);
			ourCalls = this.env.server().storeCalls();
			ours = stored(run);
			compactedRestore = restoreSeconds(run, run.database());
			try (Env.Run single = this.env.newRun("storage-snapshot")) {
				Files.copy(run.database(), single.database());
				snapshotOnly(single);
				snapshotRestore = restoreSeconds(single, single.database());
				compactedRestore = Math.min(compactedRestore, restoreSeconds(run, run.database()));
				snapshotRestore = Math.min(snapshotRestore, restoreSeconds(single, single.database()));
			}
		}
		try (Env.Run run = this.env.newRun("storage-litestream")) {
			prepare(run);
			this.env.server().resetStoreCalls();
			try (Replicator litestream = Replicator.Setup.litestream(null).start(this.env, run)) {
				write(run.database());
				Thread.sleep(2_000);
			}
			theirCalls = this.env.server().storeCalls();
			theirs = stored(run);
			long started = System.nanoTime();
			Path config = this.env.litestreamConfig(run.dir(), run.database(), run.bucket(), run.prefix(), null);
			Path output = run.dir().resolve("restored-by-litestream.db");
			Process process = Env.startProcess(
					new ProcessBuilder(this.env.litestreamBinary().toString(), "restore", "-config", config.toString(),
							"-o", output.toString(), run.database().toString())
						.directory(run.dir().toFile())
						.redirectErrorStream(true)
						.redirectOutput(run.dir().resolve("litestream-restore.log").toFile()));
			if (process.waitFor() != 0) {
				throw new IllegalStateException(
						"litestream restore failed: " + Files.readString(run.dir().resolve("litestream-restore.log")));
			}
			litestreamRestore = (System.nanoTime() - started) / 1e9;
		}
		double byteRatio = (double) ours.bytes() / theirs.bytes();
		double objectRatio = (double) ours.objects() / theirs.objects();
		json.put("engine", ours.describe());
		json.put("litestream", theirs.describe());
		json.put("engineRequests", requests);
		json.put("storeCalls", Map.of("engine", ourCalls, "litestream", theirCalls));
		json.put("restoreSeconds", Map.of("compacted", Stats.round(compactedRestore, 3), "singleSnapshot",
				Stats.round(snapshotRestore, 3), "litestream", Stats.round(litestreamRestore, 3)));
		this.report.line("");
		this.report.line(("5. Storage: one-row inserts and hot-row updates at %.0f tx/s for %d s, compaction-age %d s "
				+ "(this engine), then restore of the latest state")
			.formatted(RATE, this.writeFor.toSeconds(), this.compactionAge.toSeconds()));
		this.report.table(List.of("replicator", "objects", "bytes", "restore s", "store calls (put/get/list/delete)"),
				List.of(List.of("this engine (compacted)", Long.toString(ours.objects()), Long.toString(ours.bytes()),
						Stats.fmt(compactedRestore, 2), calls(ourCalls)),
						List.of("the same database, one snapshot", "-", "-", Stats.fmt(snapshotRestore, 2), "-"),
						List.of("litestream v0.3.13", Long.toString(theirs.objects()), Long.toString(theirs.bytes()),
								Stats.fmt(litestreamRestore, 2), calls(theirCalls))));
		this.report.line("this engine's own request count, by operation (compaction's included): " + requests);
		this.report.line("stored, this engine: " + ours.row() + "; litestream: " + theirs.row());
		this.report.target("storage after compaction", "<= 1/5 of Litestream's bytes",
				"%s of Litestream's".formatted(Stats.fmt(byteRatio, 3)), byteRatio <= 0.2);
		this.report.target("objects after compaction", "<= 1/10 of Litestream's",
				"%s of Litestream's".formatted(Stats.fmt(objectRatio, 3)), objectRatio <= 0.1);
		double restoreRatio = compactedRestore / snapshotRestore;
		this.report.target("restore of the compacted replica", "<= 1.5x a single snapshot's",
				"%sx".formatted(Stats.fmt(restoreRatio, 2)), restoreRatio <= 1.5);
		return json;
	}

	/** The run's database with its hot rows, before any replicator starts. */
	private static void prepare(Env.Run run) throws Exception {
		try (Connection connection = Sql.connect(run.database())) {
			Sql.execute(connection, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)",
					"CREATE TABLE IF NOT EXISTS hot (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
			Sql.execute(connection, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < "
					+ HOT_ROWS + ") INSERT OR IGNORE INTO hot (id, v) SELECT x, randomblob(100) FROM n");
		}
	}

	private Map<String, Long> writeWithEngine(Env.Run run) throws Exception {
		prepare(run);
		Map<String, LongAdder> counts = new ConcurrentHashMap<>();
		ReplicationListener listener = new ReplicationListener() {
			@Override
			public void onReplicaOperation(String database, String replica, String operation, long bytes,
					Duration duration, @Nullable Throwable failure) {
				counts.computeIfAbsent(operation, (o) -> new LongAdder()).increment();
			}
		};
		S3ReplicaClient client = this.env.factory().create(run.url());
		ReplicationManager manager = new ReplicationManager(listener, Clock.systemUTC());
		try {
			manager.add("bench", DatabaseOptions.of(run.database()), List.of(new ReplicationManager.ReplicaSpec(client,
					ReplicaOptions.builder("s3").compactionAge(this.compactionAge).build())));
			manager.start();
			write(run.database());
			// every complete index compacted, and what it replaced deleted after the
			// grace (half the age), with one more pause for the last rounds
			Thread.sleep(this.compactionAge.multipliedBy(2).plusSeconds(5).toMillis());
		}
		finally {
			manager.stop();
			client.close();
		}
		Map<String, Long> requests = new LinkedHashMap<>();
		counts.forEach((operation, count) -> requests.put(operation, count.sum()));
		return requests;
	}

	/** A replica holding one snapshot of the database (and its header-only WAL). */
	private void snapshotOnly(Env.Run run) throws Exception {
		try (S3ReplicaClient client = this.env.factory().create(run.url())) {
			ReplicationManager manager = new ReplicationManager();
			manager.add("bench", DatabaseOptions.of(run.database()),
					List.of(new ReplicationManager.ReplicaSpec(client, ReplicaOptions.builder("s3").build())));
			manager.start();
			Thread.sleep(2_000);
			manager.stop();
		}
	}

	/** One-row transactions at {@link #RATE}: inserts and hot-row updates alternately. */
	private void write(Path database) throws Exception {
		SplittableRandom random = new SplittableRandom(7);
		byte[] payload = new byte[SqliteWriter.PAYLOAD_BYTES];
		try (Connection connection = Sql.connect(database);
				PreparedStatement insert = connection.prepareStatement("INSERT INTO t (payload) VALUES (?)");
				PreparedStatement update = connection.prepareStatement("UPDATE hot SET v = ? WHERE id = ?")) {
			long start = System.nanoTime();
			long total = (long) (RATE * this.writeFor.toNanos() / 1e9);
			for (long i = 0; i < total; i++) {
				SqliteWriter.pace(start + (long) (i * 1e9 / RATE));
				random.nextBytes(payload);
				if (i % 2 == 0) {
					insert.setBytes(1, payload);
					insert.executeUpdate();
				}
				else {
					update.setBytes(1, payload);
					update.setInt(2, 1 + random.nextInt(HOT_ROWS));
					update.executeUpdate();
				}
			}
		}
	}

	private double restoreSeconds(Env.Run run, Path source) throws Exception {
		Path output = run.dir().resolve("restored-" + System.nanoTime() + ".db");
		long started = System.nanoTime();
		try (S3ReplicaClient client = this.env.factory().create(run.url())) {
			new Restorer(new Lz4FrameCodec()).restore(client, RestoreOptions.latest(output), RestoreProgress.NONE);
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		if (!content(output).equals(content(source))) {
			throw new IllegalStateException("the restore of " + run.url() + " differs from its database");
		}
		Files.delete(output);
		return seconds;
	}

	private static String calls(Map<String, Long> calls) {
		long deletes = calls.getOrDefault("removeBlob", 0L) + calls.getOrDefault("removeBlobs", 0L);
		return calls.getOrDefault("putBlob", 0L) + "/" + calls.getOrDefault("getBlob", 0L) + "/"
				+ calls.getOrDefault("list", 0L) + "/" + deletes;
	}

	/** The rows of {@code t} (count and a sum over them) and the hot rows. */
	private static String content(Path database) throws Exception {
		try (Connection connection = Sql.connect(database);
				PreparedStatement count = connection
					.prepareStatement("SELECT count(*), total(length(payload)), max(id) FROM t");
				ResultSet rows = count.executeQuery()) {
			rows.next();
			return rows.getLong(1) + "/" + rows.getDouble(2) + "/" + rows.getLong(3) + "/"
					+ Sql.dump(connection).get("hot");
		}
	}

	private Stored stored(Env.Run run) {
		long objects = 0;
		long bytes = 0;
		long snapshots = 0;
		long snapshotBytes = 0;
		String token = null;
		do {
			ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
				.bucket(run.bucket())
				.prefix(run.prefix() + "/");
			if (token != null) {
				request.continuationToken(token);
			}
			ListObjectsV2Response page = this.env.s3().listObjectsV2(request.build());
			for (S3Object object : page.contents()) {
				objects++;
				bytes += object.size();
				if (object.key().contains("/snapshots/")) {
					snapshots++;
					snapshotBytes += object.size();
				}
			}
			token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
		}
		while (token != null);
		return new Stored(objects, bytes, snapshots, snapshotBytes);
	}

	private record Stored(long objects, long bytes, long snapshots, long snapshotBytes) {

		Map<String, Object> describe() {
			return Map.of("objects", this.objects, "bytes", this.bytes, "snapshots", this.snapshots, "snapshotBytes",
					this.snapshotBytes);
		}

		String row() {
			return "%d objects, %d bytes (snapshots: %d, %d bytes)".formatted(this.objects, this.bytes, this.snapshots,
					this.snapshotBytes);
		}

	}

}
