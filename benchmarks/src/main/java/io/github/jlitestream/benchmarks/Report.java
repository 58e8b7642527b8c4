package io.github.jlitestream.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The printed report (plain-text tables) and the targets of the issue with their
 * verdicts.
 */
final class Report {

	private final StringBuilder text = new StringBuilder();

	private final List<Map<String, Object>> targets = new ArrayList<>();

	void line(String line) {
		this.text.append(line).append('\n');
		System.out.println(line);
		System.out.flush();
	}

	void table(List<String> header, List<List<String>> rows) {
		int[] widths = new int[header.size()];
		for (int i = 0; i < header.size(); i++) {
			widths[i] = header.get(i).length();
			for (List<String> row : rows) {
				widths[i] = Math.max(widths[i], row.get(i).length());
			}
		}
		line(format(header, widths));
		StringBuilder rule = new StringBuilder();
		for (int i = 0; i < widths.length; i++) {
			rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
		}
		line(rule.toString());
		for (List<String> row : rows) {
			line(format(row, widths));
		}
	}

	private static String format(List<String> cells, int[] widths) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < cells.size(); i++) {
			String cell = cells.get(i);
			out.append(i == 0 ? "" : " | ");
			// first column left-aligned (labels), the others right-aligned (numbers)
			out.append((i == 0) ? pad(cell, widths[i], false) : pad(cell, widths[i], true));
		}
		return out.toString().stripTrailing();
	}

	private static String pad(String s, int width, boolean right) {
		String spaces = " ".repeat(Math.max(0, width - s.length()));
		return right ? spaces + s : s + spaces;
	}

	/**
	 * Records a target of the issue.
	 * @param met null when it could not be judged
	 */
	void target(String name, String goal, String measured, Boolean met) {
		Map<String, Object> target = new LinkedHashMap<>();
		target.put("target", name);
		target.put("goal", goal);
		target.put("measured", measured);
		target.put("met", met);
		this.targets.add(target);
	}

	List<Map<String, Object>> targets() {
		return this.targets;
	}

	void printTargets() {
		line("");
		line("Targets (issue 6)");
		List<List<String>> rows = new ArrayList<>();
		for (Map<String, Object> target : this.targets) {
			Object met = target.get("met");
			rows.add(List.of((met == null) ? "n/a" : ((Boolean) met) ? "MET" : "MISSED", (String) target.get("target"),
					(String) target.get("goal"), (String) target.get("measured")));
		}
		List<String> header = List.of("verdict", "target", "goal", "measured");
		int[] widths = new int[4];
		for (int i = 0; i < 4; i++) {
			widths[i] = header.get(i).length();
			for (List<String> row : rows) {
				widths[i] = Math.max(widths[i], row.get(i).length());
			}
		}
		for (List<String> row : List.of(header)) {
			line(leftAligned(row, widths));
		}
		for (List<String> row : rows) {
			line(leftAligned(row, widths));
		}
	}

	private static String leftAligned(List<String> cells, int[] widths) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < cells.size(); i++) {
			out.append(i == 0 ? "" : " | ").append(pad(cells.get(i), widths[i], false));
		}
		return out.toString().stripTrailing();
	}

	String text() {
		return this.text.toString();
	}

}
