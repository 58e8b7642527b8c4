package io.github.jlitestream.faults;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.ChildProcess;

/**
 * Scenario 6 of the fault campaign: the database changes under the running engine's feet,
 * between runs of the writer process: {@code VACUUM}, a {@code page_size} change with
 * {@code VACUUM}, the application switching {@code journal_mode} to DELETE, the WAL
 * truncated or deleted by another process, the database replaced by a {@code VACUUM INTO}
 * copy or by a restore from elsewhere. After each, once the engine caught up, the
 * replica's latest state must equal the database's; the generations each event started,
 * and why, are reported. A replaced database must start a new generation, since the
 * replica can no longer prove what it holds.
 */
final class UnderfootCampaign {

	private final Path dir;

	private final long seed;

	private final PrintStream out;

	UnderfootCampaign(Path dir, long seed, PrintStream out) {
		this.dir = dir;
		this.seed = seed;
		this.out = out;
	}

	CampaignResult run() throws Exception {
		this.out.printf("the database under the engine's feet: seed %d (replay: -Dfaults.seed=%d)%n", this.seed,
				this.seed);
		Random random = new Random(this.seed);
		Path database = this.dir.resolve("app.db");
		List<String> problems = new ArrayList<>();
		Map<String, Event> events = new LinkedHashMap<>();
		events.put("VACUUM", (db) -> execute(db, "VACUUM"));
		events.put("page_size 8192 with VACUUM", (db) -> {
			execute(db, "PRAGMA page_size = 8192", "VACUUM");
			this.out.println("  page size after VACUUM in WAL mode: " + query(db, "PRAGMA page_size"));
		});
		events.put("journal_mode DELETE and back", (db) -> {
			// SQLite leaves WAL mode only with no other connection open; the engine's
			// read transaction keeps it in WAL mode, and the application hears why
			try {
				this.out
					.println("  PRAGMA journal_mode = DELETE answered: " + query(db, "PRAGMA journal_mode = DELETE"));
			}
			catch (SQLException ex) {
				this.out.println("  PRAGMA journal_mode = DELETE refused: " + ex.getMessage());
			}
			execute(db, "PRAGMA journal_mode = WAL");
		});
		// Another process checkpoints and truncates the WAL, as SQLite lets it: only once
		// the engine copied the whole WAL (its read transaction holds SQLite back until
		// then), so the generation goes on. Cutting the live WAL file with truncate(1) or
		// rm breaks SQLite itself (its readers fail with SQLITE_IOERR_SHORT_READ, the
		// campaign found) before the engine is concerned; replacing the database below
		// deletes its WAL and shared memory.
		events.put("WAL truncated by another process's checkpoint", (db) -> {
			try (Connection connection = Sql.connect(db)) {
				Sql.execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
			}
		});
		events.put("replaced by its VACUUM INTO copy", (db) -> {
			Path copy = this.dir.resolve("vacuum-into.db");
			Files.deleteIfExists(copy);
			execute(db, "VACUUM INTO '" + copy + "'");
			replace(db, copy);
		});
		events.put("replaced by a restore from elsewhere", (db) -> {
			Path elsewhere = this.dir.resolve("elsewhere.db");
			Files.copy(db, elsewhere, StandardCopyOption.REPLACE_EXISTING);
			Files.copy(sibling(db, "-wal"), sibling(elsewhere, "-wal"), StandardCopyOption.REPLACE_EXISTING);
			execute(elsewhere, "CREATE TABLE IF NOT EXISTS elsewhere (note TEXT)",
					"INSERT INTO elsewhere VALUES ('written by another host')", "PRAGMA wal_checkpoint(TRUNCATE)");
			Files.deleteIfExists(sibling(elsewhere, "-wal"));
			replace(db, elsewhere);
		});
		List<String> generations = new ArrayList<>();
		long commits = 0;
		int failedRestores = 0;
		try (CampaignStore store = CampaignStore.directory(this.dir.resolve("replica"))) {
			commits += write(database, random, Duration.ofSeconds(1));
			try (ChildProcess engine = ChildProcess.start(FaultEngine.class, database.toString(),
					store.engineArgument(), KillPoint.RANDOM.label(), Long.toString(Long.MAX_VALUE / 2), "status")) {
				engine.await("STARTED");
				commits += write(database, random, Duration.ofSeconds(2));
				awaitCaughtUp(engine);
				for (Map.Entry<String, Event> event : events.entrySet()) {
					int before = StoreCampaign.generations(engine).size();
					event.getValue().apply(database);
					commits += write(database, random, Duration.ofMillis(1500));
					if (!awaitCaughtUp(engine)) {
						problems.add(event.getKey() + ": the replica did not catch up within 30 s");
					}
					List<String> started = StoreCampaign.generations(engine);
					started = started.subList(before, started.size());
					generations.addAll(started);
					String restored = restoreLatest(store, event.getKey());
					boolean equal = RestoredState.digest(database).equals(restored);
					if (!equal) {
						failedRestores++;
						problems.add(event.getKey() + ": the replica's latest state differs from the database");
					}
					this.out.printf("  %s: %d new generation(s) %s; latest restore %s the database%n", event.getKey(),
							started.size(), started, equal ? "equals" : "DIFFERS FROM");
					if (event.getKey().startsWith("replaced ")) {
						long waited = engine.lines()
							.stream()
							.filter((line) -> line.contains("still belongs to the replaced file"))
							.count();
						this.out.printf(
								"  %s: the engine waited for the old -wal and -shm to go (%d of its lines so far say so)%n",
								event.getKey(), waited);
						if (started.isEmpty()) {
							problems.add(event.getKey() + ": no new generation, although the replica cannot prove "
									+ "what the database holds now");
						}
					}
				}
				if (!engine.stop()) {
					problems.add("the graceful stop was not complete");
				}
			}
		}
		return new CampaignResult("the database under the engine's feet (" + events.size() + " events)", events.size(),
				commits, 0, -1, failedRestores, CampaignResult.reasons(generations), problems);
	}

	/** Runs the writer process for {@code duration}; returns the commits it made. */
	private long write(Path database, Random random, Duration duration) throws Exception {
		try (ChildProcess writer = ChildProcess.start(FaultWriter.class, database.toString(),
				Long.toString(random.nextLong()), "3")) {
			writer.await("READY");
			Thread.sleep(duration.toMillis());
			writer.stop();
			// each run goes on from the database's last commit
			return writer.lines().stream().filter((line) -> line.startsWith("C ")).count();
		}
	}

	/**
	 * Waits until health is UP and the replica holds every commit: a lag of exactly zero
	 * some time after the writer stopped.
	 */
	private static boolean awaitCaughtUp(ChildProcess engine) throws InterruptedException {
		long after = System.currentTimeMillis() + 500;
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			long up = StoreCampaign.firstAfter(engine, "HEALTH ", " UP ", after);
			if (up >= 0 && StoreCampaign.firstAfter(engine, "ENDPOINT ", "lagSeconds=0.0,", up) >= 0) {
				return true;
			}
			Thread.sleep(100);
		}
		return false;
	}

	private String restoreLatest(CampaignStore store, String event) throws Exception {
		Path restored = this.dir.resolve("restored-" + event.replaceAll("[^A-Za-z0-9]+", "-") + ".db");
		try {
			new Restorer(new Lz4FrameCodec()).restore(store.client(), RestoreOptions.latest(restored),
					RestoreProgress.NONE);
			return RestoredState.digest(restored);
		}
		catch (Exception ex) {
			return "restore failed: " + ex;
		}
	}

	/**
	 * Moves {@code with} over the database, then deletes the replaced file's WAL and
	 * shared memory, as an operator's {@code mv} and {@code rm} would: a few monitor
	 * intervals apart, so the engine finds the new file beside the old file's WAL each
	 * time (the soak once found the database malformed when it opened them together).
	 */
	private static void replace(Path database, Path with) throws Exception {
		Files.move(with, database, StandardCopyOption.REPLACE_EXISTING);
		Thread.sleep(300);
		Files.deleteIfExists(sibling(database, "-wal"));
		Files.deleteIfExists(sibling(database, "-shm"));
	}

	private static Path sibling(Path database, String suffix) {
		return database.resolveSibling(database.getFileName() + suffix);
	}

	private static void execute(Path database, String... statements) throws Exception {
		try (Connection connection = Sql.connect(database)) {
			Sql.execute(connection, statements);
		}
	}

	private static String query(Path database, String sql) throws Exception {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			return rs.next() ? rs.getString(1) : "";
		}
	}

	@FunctionalInterface
	interface Event {

		void apply(Path database) throws Exception;

	}

}
