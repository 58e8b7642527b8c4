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
import io.github.jlitestream.core.restore.NoBackupException;
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
	 * shared two-core machine: the loss window reported for a trial.
	 */
	static final Duration SLACK = Duration.ofMillis(500);

	/**
	 * How long after a commit returned an upload round must have started to be held to
	 * carry it: the round copies the WAL right before it uploads; this covers the
	 * scheduling of two processes on a busy two-core machine.
	 */
	static final Duration COPY_SLACK = Duration.ofMillis(200);

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

	/**
	 * Every kill point ({@code faults.points} chooses some) as often as the others, in an
	 * order drawn from the seed.
	 */
	private List<KillPoint> plan(Random random) {
		List<KillPoint> plan = new ArrayList<>();
		List<KillPoint> points = Campaign.killPoints();
		for (int i = 0; i < this.trials; i++) {
			plan.add(points.get(i % points.size()));
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
				this.store.engineArgument(), point.label(), Long.toString(armAfter), "watchdog")) {
			engine.await("STARTED");
			startedAt = System.currentTimeMillis();
			if (point == KillPoint.RANDOM) {
				Thread.sleep(armAfter + random.nextInt(300));
				place = "random";
			}
			else {
				place = awaitKillPoint(engine);
				if (place == null) {
					engine.send("dump");
					engine.await("DUMPED");
				}
			}
			killedAt = System.currentTimeMillis();
			engine.kill();
			engineLines = engine.lines();
		}
		for (String line : engineLines) {
			if (line.startsWith("STALL ")) {
				// not a broken promise (a large snapshot may take that long), but where
				// it waited
				this.out.printf("trial %d: no upload ended for %s ms; the engine's threads then:%n%s%n", number,
						line.substring("STALL ".length()), String.join("\n", engineThreads(engineLines)));
				break;
			}
		}
		long compactions = engineLines.stream().filter((line) -> line.startsWith("COMPACTED 1 ")).count();
		if (compactions > 0) {
			this.out.printf("trial %d: %d WAL indexes compacted before the kill%n", number, compactions);
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
		catch (NoBackupException ex) {
			// Killed before the first snapshot reached the store: nothing restores, which
			// breaks the promise only if an upload that covers a commit completed (judged
			// below with nothing restored).
			this.out.printf("trial %d: no backup yet (%s)%n", number, ex.getMessage());
		}
		catch (Exception ex) {
			problems.add("restore failed: " + ex);
		}
		finally {
			Files.deleteIfExists(restored);
		}
		List<long[]> uploads = uploads(engineLines);
		long window = FaultEngine.SYNC_INTERVAL.toMillis() + twoLongestUploads(uploads) + SLACK.toMillis();
		long returnedBeforeKill = returned.stream().filter((c) -> c.returnedAt() < killedAt).count();
		long lostBeyondPromise = 0;
		long worstLoss = 0;
		for (Commit commit : returned) {
			if (commit.seq() > restoredCommits && commit.returnedAt() < killedAt) {
				worstLoss = Math.max(worstLoss, killedAt - commit.returnedAt());
				if (promised(commit, startedAt, uploads)) {
					lostBeyondPromise++;
				}
			}
		}
		if (lostBeyondPromise > 0) {
			problems.add(lostBeyondPromise + " commits are not in the replica although an upload that started more "
					+ "than " + COPY_SLACK.toMillis()
					+ " ms after they returned completed before the kill (restored up " + "to commit " + restoredCommits
					+ ")");
		}
		if (place == null) {
			problems.add("the engine never reached its kill point " + point.label() + " in "
					+ KILL_POINT_TIMEOUT.toSeconds() + " s; it printed:\n"
					+ String.join("\n", tail(engineLines.stream().filter((l) -> !l.startsWith("DUMP")).toList()))
					+ "\nits engine threads then:\n" + String.join("\n", engineThreads(engineLines)));
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

	/**
	 * Whether the promise covers {@code commit}: an upload round that started (once the
	 * engine ran) at least {@link #COPY_SLACK} after the commit returned completed before
	 * the kill, and each round copies the WAL right before it uploads. A first snapshot
	 * still in flight at the kill covers nothing yet, however long ago the commit
	 * returned.
	 */
	private static boolean promised(Commit commit, long startedAt, List<long[]> uploads) {
		long from = Math.max(commit.returnedAt(), startedAt) + COPY_SLACK.toMillis();
		return uploads.stream().anyMatch((upload) -> upload[1] - upload[0] >= from);
	}

	/** The upload rounds the engine reported, as {duration, end} in ms. */
	private static List<long[]> uploads(List<String> lines) {
		List<long[]> uploads = new ArrayList<>();
		for (String line : lines) {
			if (line.startsWith("SYNC ")) {
				String[] parts = line.split(" ");
				uploads.add(new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]) });
			}
		}
		return uploads;
	}

	/** The two longest upload rounds, together: the window a crash may lose, reported. */
	private static long twoLongestUploads(List<long[]> uploads) {
		return uploads.stream()
			.map((upload) -> upload[0])
			.sorted(Collections.reverseOrder())
			.limit(2)
			.mapToLong(Long::longValue)
			.sum();
	}

	/** The stacks of the engine's own threads from a {@code dump}. */
	private static List<String> engineThreads(List<String> lines) {
		List<String> stacks = new ArrayList<>();
		boolean engineThread = false;
		for (String line : lines) {
			if (line.startsWith("DUMP \"")) {
				engineThread = line.startsWith("DUMP \"litestream-");
			}
			if (engineThread && line.startsWith("DUMP")) {
				stacks.add(line.substring("DUMP ".length()));
			}
		}
		return stacks;
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
