package io.github.jlitestream.faults;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.testing.ChildProcess;
import io.github.jlitestream.faults.WriterLog.Commit;

/**
 * Scenario 1 of the fault campaign: the engine process is killed with SIGKILL again and
 * again while the writer process goes on, at random moments and stopped inside a
 * checkpoint, a snapshot upload, a segment upload and retention. After each kill, before
 * the restart, the replica is restored and judged: {@code integrity_check}, a gap-free
 * prefix of the writer's commits, and every commit that returned more than the promise's
 * window before the kill. At the end, after a graceful stop, the restore (by this project
 * and by Litestream v0.3.13) equals the database row for row.
 */
final class KillCampaign {

	/**
	 * Beyond the sync interval and the trial's two longest uploads, for scheduling on a
	 * shared two-core machine: the promise a kill is held to.
	 */
	static final Duration SLACK = Duration.ofMillis(500);

	private static final Duration KILL_POINT_TIMEOUT = Duration.ofSeconds(30);

	private final Path dir;

	private final CampaignStore store;

	private final long seed;

	private final int trials;

	private final PrintStream out;

	KillCampaign(Path dir, CampaignStore store, long seed, int trials, PrintStream out) {
		this.dir = dir;
		this.store = store;
		this.seed = seed;
		this.trials = trials;
		this.out = out;
	}

	CampaignResult run() throws Exception {
		Random random = new Random(this.seed);
		Path database = this.dir.resolve("app.db");
		this.out.printf("kill campaign on %s: seed %d, %d trials (replay: -Dfaults.seed=%d)%n", this.store.name(),
				this.seed, this.trials, this.seed);
		List<TrialResult> results = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		try (ChildProcess writer = ChildProcess.start(FaultWriter.class, database.toString(),
				Long.toString(random.nextLong()), "3")) {
			writer.await("READY");
			WriterLog log = new WriterLog(writer);
			List<KillPoint> plan = plan(random);
			for (int i = 0; i < this.trials; i++) {
				TrialResult result = trial(i + 1, plan.get(i), random, database, log);
				this.out.println(result.describe());
				results.add(result);
				result.problems().forEach((p) -> problems.add("trial " + result.number() + ": " + p));
			}
			CampaignResult.FinalRestore last = finish(database, writer, log);
			problems.addAll(last.problems());
			return CampaignResult.ofKills("SIGKILL (" + this.store.name() + ")", this.trials, log.commits().size(),
					results, last, problems);
		}
	}

	/** Every kill point as often as the others, in an order drawn from the seed. */
	private List<KillPoint> plan(Random random) {
		List<KillPoint> plan = new ArrayList<>();
		KillPoint[] points = KillPoint.values();
		for (int i = 0; i < this.trials; i++) {
			plan.add(points[i % points.length]);
		}
		Collections.shuffle(plan, random);
		return plan;
	}

	private TrialResult trial(int number, KillPoint point, Random random, Path database, WriterLog log)
			throws Exception {
		long armAfter = 300 + random.nextInt(1700);
		String place;
		long startedAt;
		long killedAt;
		List<String> engineLines;
		try (ChildProcess engine = ChildProcess.start(FaultEngine.class, database.toString(),
				this.store.engineArgument(), point.label(), Long.toString(armAfter))) {
			engine.await("STARTED");
			startedAt = System.currentTimeMillis();
			if (point == KillPoint.RANDOM) {
				Thread.sleep(armAfter + random.nextInt(300));
				place = "random";
			}
			else {
				place = awaitKillPoint(engine);
			}
			killedAt = System.currentTimeMillis();
			engine.kill();
			engineLines = engine.lines();
		}
		List<Commit> returned = log.commits();
		Path restored = this.dir.resolve("trial-" + number + ".db");
		List<String> problems = new ArrayList<>();
		long restoredCommits = 0;
		try {
			new Restorer(new Lz4FrameCodec()).restore(this.store.client(), RestoreOptions.latest(restored),
					RestoreProgress.NONE);
			RestoredState state = RestoredState.check(restored, returned);
			problems.addAll(state.problems());
			restoredCommits = state.commits();
		}
		catch (Exception ex) {
			problems.add("restore failed: " + ex);
		}
		finally {
			Files.deleteIfExists(restored);
		}
		long window = FaultEngine.SYNC_INTERVAL.toMillis() + twoLongestUploads(engineLines) + SLACK.toMillis();
		long returnedBeforeKill = returned.stream().filter((c) -> c.returnedAt() < killedAt).count();
		long lostBeyondPromise = 0;
		long worstLoss = 0;
		for (Commit commit : returned) {
			if (commit.seq() > restoredCommits && commit.returnedAt() < killedAt) {
				worstLoss = Math.max(worstLoss, killedAt - commit.returnedAt());
				if (Math.max(commit.returnedAt(), startedAt) + window < killedAt) {
					lostBeyondPromise++;
				}
			}
		}
		if (lostBeyondPromise > 0) {
			problems.add(lostBeyondPromise + " commits returned more than " + window + " ms before the kill are not "
					+ "in the replica (restored up to commit " + restoredCommits + ")");
		}
		if (place == null) {
			problems.add("the engine never reached its kill point " + point.label() + " in "
					+ KILL_POINT_TIMEOUT.toSeconds() + " s; it printed:\n" + String.join("\n", tail(engineLines)));
			place = "not reached";
		}
		List<String> generations = engineLines.stream()
			.filter((line) -> line.startsWith("GEN "))
			.map((line) -> line.substring(line.indexOf(' ', 4) + 1))
			.toList();
		return new TrialResult(number, point, place, killedAt - startedAt, restoredCommits, returnedBeforeKill,
				lostBeyondPromise, worstLoss, window, generations, problems);
	}

	private static String awaitKillPoint(ChildProcess engine) throws InterruptedException {
		long deadline = System.nanoTime() + KILL_POINT_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			for (String line : engine.lines()) {
				if (line.startsWith("AT ")) {
					return line.split(" ")[1];
				}
			}
			Thread.sleep(2);
		}
		return null;
	}

	/** The two longest uploads (segments or snapshots) the engine reported, together. */
	private static long twoLongestUploads(List<String> lines) {
		List<Long> durations = new ArrayList<>();
		for (String line : lines) {
			if (line.startsWith("SYNC ") || line.startsWith("SNAPSHOT ")) {
				durations.add(Long.parseLong(line.substring(line.indexOf(' ') + 1)));
			}
		}
		durations.sort(Collections.reverseOrder());
		return durations.stream().limit(2).mapToLong(Long::longValue).sum();
	}

	private static List<String> tail(List<String> lines) {
		return lines.subList(Math.max(0, lines.size() - 40), lines.size());
	}

	/**
	 * The last engine runs while the writer stops, then stops gracefully: the replica
	 * then holds everything, restored by this project and by Litestream v0.3.13.
	 */
	private CampaignResult.FinalRestore finish(Path database, ChildProcess writer, WriterLog log) throws Exception {
		List<String> problems = new ArrayList<>();
		try (ChildProcess engine = ChildProcess.start(FaultEngine.class, database.toString(),
				this.store.engineArgument(), KillPoint.RANDOM.label(), Long.toString(Long.MAX_VALUE / 2))) {
			engine.await("STARTED");
			Thread.sleep(1500);
			writer.stop();
			if (!engine.stop()) {
				problems.add("the final graceful stop was not complete: " + String.join("\n", tail(engine.lines())));
			}
		}
		CampaignResult.FinalRestore last = RestoredState.finalRestore(this.dir, this.store, database, log);
		this.out.printf("final: %d commits written, %d restored, %d failed restores%n", log.commits().size(),
				last.commits(), last.failedRestores());
		problems.addAll(last.problems());
		return new CampaignResult.FinalRestore(last.commits(), last.failedRestores(), problems);
	}

	/** One kill and what the restore after it found. */
	record TrialResult(int number, KillPoint point, String place, long ranMillis, long restoredCommits,
			long returnedBeforeKill, long lostBeyondPromise, long worstLossMillis, long windowMillis,
			List<String> generations, List<String> problems) {

		String describe() {
			return String.format(
					"trial %d %s (at %s, after %d ms): restored %d of %d commits returned before the kill, "
							+ "the oldest missing one returned %d ms before it (window %d ms), %d beyond the promise; "
							+ "generations started: %d %s%s",
					this.number, this.point.label(), this.place, this.ranMillis, this.restoredCommits,
					this.returnedBeforeKill, this.worstLossMillis, this.windowMillis, this.lostBeyondPromise,
					this.generations.size(), this.generations,
					this.problems.isEmpty() ? "" : " PROBLEMS " + this.problems);
		}

	}

}
