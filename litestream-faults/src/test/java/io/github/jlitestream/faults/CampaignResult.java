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
 */
record CampaignResult(String scenario, int trials, long commits, List<TrialResult> results, List<String> problems) {

	static final String HEADER = "| scenario | trials | commits written | commits lost beyond the promise | worst loss "
			+ "window at a crash (ms) | restores that failed | generations started (why) |\n"
			+ "| --- | --- | --- | --- | --- | --- | --- |";

	long lostBeyondPromise() {
		return this.results.stream().mapToLong(TrialResult::lostBeyondPromise).sum();
	}

	long worstLossMillis() {
		return this.results.stream().mapToLong(TrialResult::worstLossMillis).max().orElse(0);
	}

	long failedRestores() {
		return this.results.stream()
			.filter((r) -> r.problems().stream().anyMatch((p) -> p.startsWith("restore failed")))
			.count();
	}

	/** The generations the trials started, counted by their reason's first words. */
	Map<String, Integer> generationReasons() {
		Map<String, Integer> reasons = new TreeMap<>();
		for (TrialResult result : this.results) {
			for (String reason : result.generations()) {
				reasons.merge(shortReason(reason), 1, Integer::sum);
			}
		}
		return reasons;
	}

	String row() {
		int generations = generationReasons().values().stream().mapToInt(Integer::intValue).sum();
		return String.format("| %s | %d | %d | %d | %d | %d | %d: %s |", this.scenario, this.trials, this.commits,
				lostBeyondPromise(), worstLossMillis(), failedRestores(), generations, generationReasons());
	}

	/** Appends the row (with the header when the file is new) to {@code report}. */
	void appendTo(Path report) throws IOException {
		Files.createDirectories(report.getParent());
		String text = (Files.exists(report) ? "" : HEADER + "\n") + row() + "\n";
		Files.writeString(report, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	private static String shortReason(String reason) {
		String[] words = reason.split(" ");
		return String.join(" ", List.of(words).subList(0, Math.min(words.length, 6)));
	}

}
