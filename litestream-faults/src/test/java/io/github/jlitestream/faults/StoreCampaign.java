package io.github.jlitestream.faults;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.testing.ChildProcess;
import io.github.jlitestream.core.wal.CompactedWal;
import io.github.jlitestream.faults.FaultProxy.Fault;
import io.github.jlitestream.faults.WriterLog.Commit;
import io.github.jlitestream.s3.testing.S3ProxyServer;

/**
 * Scenarios 2 and 3 of the fault campaign, against S3Proxy behind a {@link FaultProxy}:
 * the engine process replicates what the writer process writes while the store is stopped
 * (an outage) or misbehaves (errors, resets, hangs, latency). Writes must never block or
 * fail, health must say so within seconds, the engine must back off, and after the store
 * is back everything written must be in the replica, each WAL frame in one object only.
 */
final class StoreCampaign {

	private static final Pattern LAG = Pattern.compile("lagSeconds=([0-9.]+)");

	/**
	 * How soon health and lag must report a store that stopped answering (three failed
	 * syncs with their backoff and the SDK's retries take about 3 s), with room for a
	 * busy machine.
	 */
	static final Duration DETECTION = Duration.ofSeconds(8);

	private final Path dir;

	private final long seed;

	private final PrintStream out;

	StoreCampaign(Path dir, long seed, PrintStream out) {
		this.dir = dir;
		this.seed = seed;
		this.out = out;
	}

	/** Scenario 2: S3Proxy stopped for {@code outage} while the writer goes on. */
	CampaignResult outage(Duration outage) throws Exception {
		this.out.printf("store outage of %d s: seed %d (replay: -Dfaults.seed=%d)%n", outage.toSeconds(), this.seed,
				this.seed);
		return run("store outage " + outage.toSeconds() + " s", (s3, proxy, engine, problems) -> {
			long requestsBefore = proxy.requests();
			long stoppedAt = System.currentTimeMillis();
			s3.stop();
			try {
				Thread.sleep(outage.toMillis());
			}
			finally {
				s3.start();
			}
			long requests = proxy.requests() - requestsBefore;
			long detected = firstAfter(engine, "HEALTH ", " DOWN ", stoppedAt);
			long lagging = firstLagAtLeast(engine, 1.0, stoppedAt);
			if (lagging < 0 || lagging - stoppedAt > DETECTION.toMillis()) {
				problems.add("the lag did not show the outage within " + DETECTION.toSeconds() + " s");
			}
			this.out.printf(
					"outage: health DOWN after %s ms, lag above 1 s after %s ms; %d requests reached the "
							+ "proxy in %d s%n",
					(detected < 0) ? "never" : Long.toString(detected - stoppedAt),
					(lagging < 0) ? "never" : Long.toString(lagging - stoppedAt), requests, outage.toSeconds());
			if (detected < 0 || detected - stoppedAt > DETECTION.toMillis()) {
				problems.add("health did not report the outage within " + DETECTION.toSeconds() + " s");
			}
			// Backoff doubles up to 10 s: a few dozen requests, where polling every sync
			// interval would make hundreds. Each engine call is one SDK call with
			// retries.
			long bound = 40 + outage.toSeconds() * 2;
			if (requests > bound) {
				problems.add(requests + " requests during the outage (more than " + bound + "): no backoff");
			}
			return "health DOWN after " + ((detected < 0) ? "never" : (detected - stoppedAt) + " ms") + ", " + requests
					+ " requests in " + outage.toSeconds() + " s";
		});
	}

	/**
	 * Scenario 3: each fault for {@code phase}: HTTP 500 on a fifth of the uploads, 503
	 * SlowDown on a fifth of the requests, a third of the uploads reset half-way, a tenth
	 * of the requests never answered, then 200 ms added to every request.
	 */
	CampaignResult misbehaving(Duration phase) throws Exception {
		this.out.printf("misbehaving store, %d s per fault: seed %d (replay: -Dfaults.seed=%d)%n", phase.toSeconds(),
				this.seed, this.seed);
		return run("misbehaving store", (s3, proxy, engine, problems) -> {
			Object[][] faults = { { Fault.INTERNAL_ERROR, 0.2 }, { Fault.SLOW_DOWN, 0.2 },
					{ Fault.RESET_MID_UPLOAD, 0.3 }, { Fault.HANG, 0.1 } };
			StringBuilder summary = new StringBuilder();
			for (Object[] fault : faults) {
				proxy.inject((Fault) fault[0], (double) fault[1]);
				Thread.sleep(phase.toMillis());
				proxy.inject(Fault.NONE, 0);
				long count = proxy.injected((Fault) fault[0]);
				summary.append(fault[0].toString().toLowerCase()).append(' ').append(count).append(", ");
				if (count == 0) {
					problems.add("no " + fault[0] + " was injected in " + phase.toSeconds() + " s");
				}
			}
			proxy.latency(200);
			Thread.sleep(phase.toMillis());
			proxy.latency(0);
			summary.append("200 ms latency");
			this.out.println("injected: " + summary);
			return summary.toString();
		});
	}

	private CampaignResult run(String scenario, Body body) throws Exception {
		Random random = new Random(this.seed);
		Path database = this.dir.resolve("app.db");
		List<String> problems = new ArrayList<>();
		try (S3ProxyServer s3 = Campaign.soak() ? S3ProxyServer.startOnDisk(this.dir.resolve("s3"))
				: S3ProxyServer.startInMemory();
				FaultProxy proxy = new FaultProxy(s3.port(), random.nextLong());
				CampaignStore store = CampaignStore.s3(s3, "faults", proxy.endpoint());
				ChildProcess writer = ChildProcess.start(FaultWriter.class, database.toString(),
						Long.toString(random.nextLong()), "3")) {
			writer.await("READY");
			WriterLog log = new WriterLog(writer);
			String summary;
			List<String> generations;
			try (ChildProcess engine = ChildProcess.start(FaultEngine.class, database.toString(),
					store.engineArgument(), KillPoint.RANDOM.label(), Long.toString(Long.MAX_VALUE / 2), "status",
					"socket-timeout=3000")) {
				engine.await("STARTED");
				engine.await("SYNC ");
				Thread.sleep(1000);
				long faultsFrom = System.currentTimeMillis();
				summary = body.run(s3, proxy, engine, problems);
				long healedAt = System.currentTimeMillis();
				long caughtUp = awaitCaughtUp(engine, healedAt, Duration.ofSeconds(60));
				if (caughtUp < 0) {
					problems.add("the replica did not catch up within 60 s of the store's return");
				}
				else {
					this.out.printf("caught up %d ms after the store was back%n", caughtUp - healedAt);
				}
				problems.addAll(writesNeverBlocked(log, faultsFrom, healedAt));
				writer.stop();
				generations = generations(engine);
				if (!engine.stop()) {
					problems.add("the graceful stop was not complete: "
							+ engine.lines().subList(Math.max(0, engine.lines().size() - 20), engine.lines().size()));
				}
			}
			CampaignResult.FinalRestore last = RestoredState.finalRestore(this.dir, store, database, log);
			problems.addAll(last.problems());
			problems.addAll(eachFrameInOneObject(store.client()));
			return CampaignResult.withoutCrash(scenario + " (" + summary + ")", 1, log.commits().size(), generations,
					last, problems);
		}
	}

	/**
	 * The writer commits every few milliseconds: a gap of more than two seconds between
	 * two commits while the store failed would mean replication held it up.
	 */
	static List<String> writesNeverBlocked(WriterLog log, long from, long to) {
		List<String> problems = new ArrayList<>();
		long previous = -1;
		long longest = 0;
		int during = 0;
		for (Commit commit : log.commits()) {
			if (commit.returnedAt() >= from && commit.returnedAt() <= to) {
				during++;
				if (previous >= 0) {
					longest = Math.max(longest, commit.returnedAt() - previous);
				}
			}
			previous = commit.returnedAt();
		}
		if (during == 0) {
			problems.add("the writer committed nothing while the store failed");
		}
		if (longest > 2000) {
			problems.add("the writer waited " + longest + " ms for a commit while the store failed");
		}
		return problems;
	}

	/**
	 * Every WAL index's segments follow each other from offset 0, without a gap and
	 * without overlap: no frame was uploaded twice into different objects, and no failed
	 * upload moved the position on.
	 */
	static List<String> eachFrameInOneObject(ReplicaClient client) throws Exception {
		List<String> problems = new ArrayList<>();
		ReplicaCodec codec = ReplicaCodec.litestream();
		int checked = 0;
		for (Generation generation : client.generations()) {
			Map<Long, List<WalSegmentInfo>> byIndex = new TreeMap<>();
			for (WalSegmentInfo segment : client.walSegments(generation)) {
				byIndex.computeIfAbsent(segment.index(), (i) -> new ArrayList<>()).add(segment);
			}
			for (List<WalSegmentInfo> segments : byIndex.values()) {
				segments.sort((a, b) -> Long.compare(a.offset(), b.offset()));
				long end = segments.get(0).offset();
				for (WalSegmentInfo segment : segments) {
					String key = ReplicaPaths.key(segment);
					if (segment.offset() != end) {
						problems.add(key + " starts at " + segment.offset() + " but the segments before it end at "
								+ end + ((segment.offset() < end) ? " (uploaded twice)" : " (a gap)"));
					}
					checked++;
					byte[] content;
					try (InputStream in = codec.decode(
							client.openWalSegment(generation, segment.index(), segment.offset(), segment.compression()),
							key)) {
						content = in.readAllBytes();
					}
					end = segment.offset() + content.length;
					if (segment.offset() == 0 && CompactedWal.isCompacted(content)) {
						// a compacted index: the segments it replaced wait for their
						// deletion, not uploads
						break;
					}
				}
			}
		}
		if (checked == 0) {
			problems.add("the replica holds no WAL segment to check");
		}
		System.out.println("checked " + checked + " WAL segments: each frame in one object");
		return problems;
	}

	/**
	 * When, after {@code after}, health was UP and the replica's lag under a second (the
	 * writer commits every few milliseconds, so the lag is rarely exactly zero), or -1.
	 */
	static long awaitCaughtUp(ChildProcess engine, long after, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			long up = firstAfter(engine, "HEALTH ", " UP ", after);
			if (up >= 0) {
				for (String line : engine.lines()) {
					Matcher lag = LAG.matcher(line);
					if (line.startsWith("ENDPOINT ") && Long.parseLong(line.split(" ", 3)[1]) >= up && lag.find()
							&& Double.parseDouble(lag.group(1)) < 1.0) {
						return Long.parseLong(line.split(" ", 3)[1]);
					}
				}
			}
			Thread.sleep(100);
		}
		return -1;
	}

	/**
	 * When the endpoint first showed a lag of at least {@code seconds} after
	 * {@code after}, or -1.
	 */
	private static long firstLagAtLeast(ChildProcess engine, double seconds, long after) {
		for (String line : engine.lines()) {
			Matcher lag = LAG.matcher(line);
			if (line.startsWith("ENDPOINT ") && Long.parseLong(line.split(" ", 3)[1]) >= after && lag.find()
					&& Double.parseDouble(lag.group(1)) >= seconds) {
				return Long.parseLong(line.split(" ", 3)[1]);
			}
		}
		return -1;
	}

	/**
	 * When the engine first printed a line with this prefix holding {@code text} after
	 * {@code after} (epoch millis, the line's second word), or -1.
	 */
	static long firstAfter(ChildProcess engine, String prefix, String text, long after) {
		for (String line : engine.lines()) {
			if (line.startsWith(prefix) && line.contains(text)) {
				long at = Long.parseLong(line.split(" ", 3)[1]);
				if (at >= after) {
					return at;
				}
			}
		}
		return -1;
	}

	/** The reasons of the generations the engine started. */
	static List<String> generations(ChildProcess engine) {
		return engine.lines()
			.stream()
			.filter((line) -> line.startsWith("GEN "))
			.map((line) -> line.substring(line.indexOf(' ', 4) + 1))
			.toList();
	}

	/** What a scenario does to the store while the writer and the engine run. */
	@FunctionalInterface
	interface Body {

		/**
		 * @return a summary for the table
		 */
		String run(S3ProxyServer s3, FaultProxy proxy, ChildProcess engine, List<String> problems) throws Exception;

	}

}
