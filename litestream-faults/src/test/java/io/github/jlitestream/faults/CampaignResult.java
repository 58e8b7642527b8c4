package io.github.jlitestream.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.github.jlitestream.faults.KillCampaign.TrialResult;

/**
 * What one scenario of the campaign did and found: a row of the README's table, and the
 * problems that fail the test.
 *
 * @param scenario what was done
 * @param trials how many times
 * @param commits commits the writer made
 * @param lostBeyondPromise commits a restore lacked that the promise covers: after a
 * crash, those returned longer than the promise's window before it; after a graceful
 * stop, any
 * @param worstLossMillis the oldest commit a restore after a crash lacked, in ms before
 * the crash; -1 without crashes
 * @param failedRestores restores that failed or did not pass their checks
 * @param generations the generations the engine started, counted by their reason's first
 * words
 * @param problems what fails the test
 */
record CampaignResult(String scenario, int trials, long commits, long lostBeyondPromise, long worstLossMillis,
		long failedRestores, Map<String, Integer> generations, List<String> problems) {

	static final String HEADER = "| scenario | trials | commits written | commits lost beyond the promise | worst loss "
			+ "window at a crash (ms) | restores that failed | generations started (why) |\n"
			+ "| --- | --- | --- | --- | --- | --- | --- |";

	/** The result of the kill campaign's trials and its final restore. */
	static CampaignResult ofKills(String scenario, int trials, long commits, List<TrialResult> results,
			FinalRestore last, List<String> problems) {
		Map<String, Integer> reasons = new TreeMap<>();
		results.forEach((result) -> count(reasons, result.generations()));
		long failed = results.stream()
			.filter((r) -> r.problems().stream().anyMatch((p) -> p.startsWith("restore failed")))
			.count() + last.failedRestores();
		return new CampaignResult(scenario, trials, commits,
				results.stream().mapToLong(TrialResult::lostBeyondPromise).sum() + (commits - last.commits()),
				results.stream().mapToLong(TrialResult::worstLossMillis).max().orElse(0), failed, reasons, problems);
	}

	/** The result of a scenario without crashes, ended by a graceful stop. */
	static CampaignResult withoutCrash(String scenario, int trials, long commits, List<String> generations,
			FinalRestore last, List<String> problems) {
		Map<String, Integer> reasons = new TreeMap<>();
		count(reasons, generations);
		return new CampaignResult(scenario, trials, commits, commits - last.commits(), -1, last.failedRestores(),
				reasons, problems);
	}

	String row() {
		int started = this.generations.values().stream().mapToInt(Integer::intValue).sum();
		return String.format("| %s | %d | %d | %d | %s | %d | %d: %s |", this.scenario, this.trials, this.commits,
				this.lostBeyondPromise, (this.worstLossMillis < 0) ? "no crash" : Long.toString(this.worstLossMillis),
				this.failedRestores, started, this.generations);
	}

	/** Appends the row (with the header when the file is new) to {@code report}. */
	void appendTo(Path report) throws IOException {
		Files.createDirectories(report.getParent());
		String text = (Files.exists(report) ? "" : HEADER + "\n") + row() + "\n";
		Files.writeString(report, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	/** Generations counted by their reason's first words. */
	static Map<String, Integer> reasons(List<String> generations) {
		Map<String, Integer> reasons = new TreeMap<>();
		count(reasons, generations);
		return reasons;
	}

	private static void count(Map<String, Integer> reasons, List<String> generations) {
		for (String reason : generations) {
			String[] words = reason.split(" ");
			reasons.merge(String.join(" ", List.of(words).subList(0, Math.min(words.length, 6))), 1, Integer::sum);
		}
	}

	/**
	 * The restore after the graceful stop that ends a scenario.
	 *
	 * @param commits the commits it holds
	 * @param failedRestores 0, 1 or 2 (this project's, Litestream's)
	 * @param problems what it found
	 */
	record FinalRestore(long commits, int failedRestores, List<String> problems) {
	}

}
