package io.github.jlitestream.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.testing.ChildProcess;
import org.jspecify.annotations.Nullable;

/**
 * Scenario 4 of the fault campaign: the disk where the engine keeps its local state (the
 * shadow WAL, the spools) fills up while the writer goes on, then space returns. The
 * application must keep writing, the log, health and the endpoint must say "No space
 * left", and replication must resume by itself, in the same generation (the engine's read
 * transaction kept SQLite from restarting the WAL meanwhile), with nothing lost. On a
 * real small filesystem (a tmpfs, mounted as root) and with the failure injected into the
 * shadow WAL's writes.
 */
final class DiskFullCampaign {

	private static final String NO_SPACE = "No space left on device";

	private static final GenerationCheck SAME_GENERATION = (generations) -> (generations.size() == 1) ? null
			: "a new generation started although continuity held: " + generations;

	private static final GenerationCheck NEW_GENERATION = (
			generations) -> (generations.size() == 2 && generations.get(1).startsWith("local state disk full")) ? null
					: "expected one new generation for the full disk, found " + generations;

	private final Path dir;

	private final long seed;

	private final PrintStream out;

	DiskFullCampaign(Path dir, long seed, PrintStream out) {
		this.dir = dir;
		this.seed = seed;
		this.out = out;
	}

	/**
	 * Whether this process may mount a tmpfs (root, and a kernel that lets it); probed
	 * once with a real mount.
	 */
	static boolean canMount(Path probe) throws Exception {
		if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/bin/mount"))) {
			return false;
		}
		Files.createDirectories(probe);
		boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.toString()) == 0;
		if (mounted) {
			run("umount", probe.toString());
		}
		return mounted;
	}

	/**
	 * On a tmpfs of 128 MiB that a filler file fills up for {@code full}: continuity
	 * holds, the same generation goes on.
	 */
	CampaignResult realFilesystem(Duration full) throws Exception {
		Path wal = this.dir.resolve("app.db-wal");
		return onTmpfs("disk full (tmpfs)", 128, (engine) -> {
			// the WAL must still fit when space returns: no longer than until it has
			// half the disk's size (the soak's writer fills 64 MiB in about 30 s)
			long deadline = System.nanoTime() + full.toNanos();
			while (System.nanoTime() < deadline && Files.size(wal) < 64L * 1024 * 1024) {
				Thread.sleep(100);
			}
		}, 0, SAME_GENERATION);
	}

	/**
	 * On a tmpfs of 16 MiB, full until the WAL not yet copied has outgrown it: it can
	 * never fit, so the generation ends, SQLite may checkpoint, and a new generation
	 * starts (its snapshot encoded while it uploads when no spool fits) and catches up.
	 */
	CampaignResult outgrownFilesystem() throws Exception {
		return onTmpfs("disk full, WAL outgrew it", 16,
				(engine) -> awaitLogged(engine, "outgrew the disk of the local state"), 0, NEW_GENERATION);
	}

	/**
	 * On a tmpfs of 48 MiB, full until the WAL has grown to 20 MiB, then 8 MiB come back:
	 * less than the WAL not yet copied, so the generation ends as above.
	 */
	CampaignResult tooLittleReturned() throws Exception {
		Path wal = this.dir.resolve("app.db-wal");
		return onTmpfs("disk full, too little space returned", 48, (engine) -> {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
			while (Files.size(wal) < 20L * 1024 * 1024 && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			this.out.printf("WAL %d bytes while the state disk is full%n", Files.size(wal));
		}, 8L * 1024 * 1024, NEW_GENERATION);
	}

	/**
	 * On a tmpfs of {@code mebibytes} that a filler file fills up, and that has
	 * {@code leftFree} bytes free (0: all) once space returns.
	 */
	private CampaignResult onTmpfs(String scenario, int mebibytes, EngineAction whileFull, long leftFree,
			GenerationCheck generations) throws Exception {
		Path mount = this.dir.resolve("state-fs");
		Files.createDirectories(mount);
		if (run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", mount.toString()) != 0) {
			throw new IllegalStateException("cannot mount a tmpfs at " + mount);
		}
		try {
			Path filler = mount.resolve("filler");
			return run(scenario, mount.resolve("state"), List.of(), () -> fill(filler, Long.MAX_VALUE), whileFull,
					() -> {
						Files.delete(filler);
						if (leftFree > 0) {
							fill(filler, Files.getFileStore(mount).getUsableSpace() - leftFree);
						}
					}, generations);
		}
		finally {
			run("umount", "-l", mount.toString());
		}
	}

	/** With "No space left on device" injected into every write of the shadow WAL. */
	CampaignResult injected(Duration full) throws Exception {
		Path flag = this.dir.resolve("no-space");
		return run("disk full (injected)", this.dir.resolve("state"), List.of("no-space=" + flag),
				() -> Files.writeString(flag, "full"), (engine) -> Thread.sleep(full.toMillis()),
				() -> Files.deleteIfExists(flag), SAME_GENERATION);
	}

	private CampaignResult run(String scenario, Path meta, List<String> options, Action fill, EngineAction whileFull,
			Action free, GenerationCheck generationCheck) throws Exception {
		this.out.printf("%s: seed %d (replay: -Dfaults.seed=%d)%n", scenario, this.seed, this.seed);
		Random random = new Random(this.seed);
		Path database = this.dir.resolve("app.db");
		List<String> problems = new ArrayList<>();
		List<String> arguments = new ArrayList<>(List.of(database.toString(), "", KillPoint.RANDOM.label(),
				Long.toString(Long.MAX_VALUE / 2), "status", "meta=" + meta));
		arguments.addAll(options);
		try (CampaignStore store = CampaignStore.directory(this.dir.resolve("replica"));
				ChildProcess writer = ChildProcess.start(FaultWriter.class, database.toString(),
						Long.toString(random.nextLong()), "3")) {
			arguments.set(1, store.engineArgument());
			writer.await("READY");
			WriterLog log = new WriterLog(writer);
			List<String> generations;
			try (ChildProcess engine = ChildProcess.start(FaultEngine.class, arguments.toArray(String[]::new))) {
				engine.await("STARTED");
				engine.await("SYNC ");
				Thread.sleep(1000);
				long fullAt = System.currentTimeMillis();
				fill.run();
				whileFull.run(engine);
				problems.addAll(reported(engine, fullAt));
				long freedAt = System.currentTimeMillis();
				free.run();
				long caughtUp = StoreCampaign.awaitCaughtUp(engine, freedAt, Duration.ofSeconds(60));
				if (caughtUp < 0) {
					List<String> logged = engine.lines()
						.stream()
						.filter((line) -> !line.startsWith("HEALTH ") && !line.startsWith("ENDPOINT ")
								&& !line.startsWith("SYNC "))
						.toList();
					problems.add("replication did not resume within 60 s of space returning; the engine logged:\n"
							+ String.join("\n", logged.subList(Math.max(0, logged.size() - 30), logged.size())));
				}
				else {
					this.out.printf("resumed, caught up %d ms after space returned%n", caughtUp - freedAt);
				}
				problems.addAll(StoreCampaign.writesNeverBlocked(log, fullAt, freedAt));
				writer.stop();
				generations = StoreCampaign.generations(engine);
				engine.lines()
					.stream()
					.filter((line) -> line.contains("local state disk full") || line.contains("no space to spool"))
					.forEach((line) -> this.out.println("engine: " + line));
				String unexpected = generationCheck.problem(generations);
				if (unexpected != null) {
					problems.add(unexpected);
				}
				if (!engine.stop()) {
					problems.add("the graceful stop was not complete");
				}
			}
			CampaignResult.FinalRestore last = RestoredState.finalRestore(this.dir, store, database, log);
			problems.addAll(last.problems());
			return CampaignResult.withoutCrash(scenario, 1, log.commits().size(), generations, last, problems);
		}
	}

	/**
	 * "No space left" in the log, in health (DOWN) and in the endpoint, after
	 * {@code fullAt}.
	 */
	private List<String> reported(ChildProcess engine, long fullAt) {
		List<String> problems = new ArrayList<>();
		boolean logged = engine.lines()
			.stream()
			.anyMatch((line) -> !line.startsWith("HEALTH ") && !line.startsWith("ENDPOINT ") && line.contains(NO_SPACE)
					&& line.contains("shadow WAL"));
		long health = StoreCampaign.firstAfter(engine, "HEALTH ", NO_SPACE, fullAt);
		boolean down = health >= 0 && engine.lines()
			.stream()
			.anyMatch((line) -> line.startsWith("HEALTH " + health + " DOWN ") && line.contains(NO_SPACE));
		long endpoint = StoreCampaign.firstAfter(engine, "ENDPOINT ", NO_SPACE, fullAt);
		this.out.printf("full disk: logged %s, health DOWN naming it after %s ms, endpoint after %s ms%n", logged,
				(health < 0) ? "never" : Long.toString(health - fullAt),
				(endpoint < 0) ? "never" : Long.toString(endpoint - fullAt));
		if (!logged) {
			problems.add("the log does not say '" + NO_SPACE + "' naming the shadow WAL");
		}
		if (!down) {
			problems.add("health is not DOWN with '" + NO_SPACE + "'");
		}
		if (endpoint < 0) {
			problems.add("the endpoint does not show '" + NO_SPACE + "'");
		}
		return problems;
	}

	/** Waits up to two minutes for a line of the engine that contains {@code text}. */
	private static void awaitLogged(ChildProcess engine, String text) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (engine.lines().stream().noneMatch((line) -> line.contains(text)) && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
	}

	/** Writes {@code filler} up to {@code size} bytes or until the filesystem refuses. */
	private static void fill(Path filler, long size) throws IOException {
		byte[] chunk = new byte[64 * 1024];
		try (OutputStream out = Files.newOutputStream(filler)) {
			for (long written = 0; written < size; written += chunk.length) {
				out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
			}
		}
		catch (IOException ex) {
			if (!String.valueOf(ex.getMessage()).contains(NO_SPACE)) {
				throw ex;
			}
		}
	}

	private static int run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			return -1;
		}
		return process.exitValue();
	}

	@FunctionalInterface
	interface Action {

		void run() throws Exception;

	}

	@FunctionalInterface
	interface EngineAction {

		void run(ChildProcess engine) throws Exception;

	}

	/** What is wrong with the generations a run started, or null. */
	@FunctionalInterface
	interface GenerationCheck {

		@Nullable String problem(List<String> generations);

	}

}
