package io.github.jlitestream.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.json.JsonWriter;

/**
 * A listing: columns aligned with two spaces, the last one unpadded and no trailing
 * blanks, as Litestream prints with Go's {@code tabwriter}; the header even with no rows.
 * With {@code -json}, an array of objects keyed by the column names.
 */
final class Table {

	private final List<String> columns;

	private final List<List<Object>> rows = new ArrayList<>();

	Table(String... columns) {
		this.columns = List.of(columns);
	}

	Table row(Object... values) {
		if (values.length != this.columns.size()) {
			throw new IllegalArgumentException("expected " + this.columns.size() + " values");
		}
		this.rows.add(List.of(values));
		return this;
	}

	int size() {
		return this.rows.size();
	}

	void print(PrintWriter out, boolean json) {
		if (json) {
			List<Map<String, Object>> objects = new ArrayList<>();
			for (List<Object> row : this.rows) {
				Map<String, Object> object = new LinkedHashMap<>();
				for (int i = 0; i < this.columns.size(); i++) {
					object.put(this.columns.get(i), row.get(i));
				}
				objects.add(object);
			}
			out.println(JsonWriter.standard().writeToString(objects));
			return;
		}
		int[] widths = new int[this.columns.size()];
		List<List<String>> lines = new ArrayList<>();
		lines.add(this.columns);
		for (List<Object> row : this.rows) {
			lines.add(row.stream().map(String::valueOf).toList());
		}
		for (List<String> line : lines) {
			for (int i = 0; i < line.size(); i++) {
				widths[i] = Math.max(widths[i], line.get(i).length());
			}
		}
		for (List<String> line : lines) {
			StringBuilder text = new StringBuilder();
			for (int i = 0; i < line.size(); i++) {
				text.append(line.get(i));
				if (i < line.size() - 1) {
					text.append(" ".repeat(widths[i] - line.get(i).length() + 2));
				}
			}
			out.println(text.toString().stripTrailing());
		}
	}

}
