package io.github.jlitestream.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Just enough JSON for the results file: maps (insertion-ordered), lists, strings,
 * numbers, booleans and null, written indented, and read back (for the smoke test).
 */
final class Json {

	private Json() {
	}

	static String write(Object value) {
		StringBuilder out = new StringBuilder();
		write(out, value, 0);
		return out.append('\n').toString();
	}

	private static void write(StringBuilder out, Object value, int depth) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof Map<?, ?> map) {
			if (map.isEmpty()) {
				out.append("{}");
				return;
			}
			out.append("{\n");
			int i = 0;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				indent(out, depth + 1);
				string(out, String.valueOf(entry.getKey()));
				out.append(": ");
				write(out, entry.getValue(), depth + 1);
				out.append((++i < map.size()) ? ",\n" : "\n");
			}
			indent(out, depth);
			out.append('}');
		}
		else if (value instanceof List<?> list) {
			if (list.isEmpty()) {
				out.append("[]");
				return;
			}
			boolean simple = list.stream().noneMatch((v) -> v instanceof Map || v instanceof List);
			if (simple) {
				out.append('[');
				for (int i = 0; i < list.size(); i++) {
					write(out, list.get(i), depth);
					out.append((i + 1 < list.size()) ? ", " : "");
				}
				out.append(']');
				return;
			}
			out.append("[\n");
			for (int i = 0; i < list.size(); i++) {
				indent(out, depth + 1);
				write(out, list.get(i), depth + 1);
				out.append((i + 1 < list.size()) ? ",\n" : "\n");
			}
			indent(out, depth);
			out.append(']');
		}
		else if (value instanceof Double || value instanceof Float) {
			double d = ((Number) value).doubleValue();
			if (Double.isNaN(d) || Double.isInfinite(d)) {
				out.append("null");
			}
			else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
				out.append((long) d);
			}
			else {
				out.append(String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "").replaceAll("\\.$", ""));
			}
		}
		else if (value instanceof Number || value instanceof Boolean) {
			out.append(value);
		}
		else {
			string(out, value.toString());
		}
	}

	private static void indent(StringBuilder out, int depth) {
		out.append("  ".repeat(depth));
	}

	private static void string(StringBuilder out, String s) {
		out.append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	/** Parses a JSON text: objects become maps, arrays lists, numbers doubles. */
	static Object parse(String text) {
		Parser parser = new Parser(text);
		Object value = parser.value();
		parser.skipSpace();
		if (parser.pos != text.length()) {
			throw new IllegalArgumentException("Trailing characters at " + parser.pos);
		}
		return value;
	}

	private static final class Parser {

		private final String s;

		private int pos;

		Parser(String s) {
			this.s = s;
		}

		void skipSpace() {
			while (this.pos < this.s.length() && Character.isWhitespace(this.s.charAt(this.pos))) {
				this.pos++;
			}
		}

		Object value() {
			skipSpace();
			char c = this.s.charAt(this.pos);
			switch (c) {
				case '{' -> {
					this.pos++;
					Map<String, Object> map = new LinkedHashMap<>();
					skipSpace();
					if (this.s.charAt(this.pos) == '}') {
						this.pos++;
						return map;
					}
					while (true) {
						skipSpace();
						String key = string();
						skipSpace();
						expect(':');
						map.put(key, value());
						skipSpace();
						if (this.s.charAt(this.pos) == ',') {
							this.pos++;
							continue;
						}
						expect('}');
						return map;
					}
				}
				case '[' -> {
					this.pos++;
					List<Object> list = new ArrayList<>();
					skipSpace();
					if (this.s.charAt(this.pos) == ']') {
						this.pos++;
						return list;
					}
					while (true) {
						list.add(value());
						skipSpace();
						if (this.s.charAt(this.pos) == ',') {
							this.pos++;
							continue;
						}
						expect(']');
						return list;
					}
				}
				case '"' -> {
					return string();
				}
				default -> {
					if (this.s.startsWith("true", this.pos)) {
						this.pos += 4;
						return Boolean.TRUE;
					}
					if (this.s.startsWith("false", this.pos)) {
						this.pos += 5;
						return Boolean.FALSE;
					}
					if (this.s.startsWith("null", this.pos)) {
						this.pos += 4;
						return null;
					}
					int start = this.pos;
					while (this.pos < this.s.length() && "+-0123456789.eE".indexOf(this.s.charAt(this.pos)) >= 0) {
						this.pos++;
					}
					if (start == this.pos) {
						throw new IllegalArgumentException("Unexpected '" + c + "' at " + start);
					}
					return Double.parseDouble(this.s.substring(start, this.pos));
				}
			}
		}

		private void expect(char c) {
			if (this.s.charAt(this.pos) != c) {
				throw new IllegalArgumentException("Expected '" + c + "' at " + this.pos);
			}
			this.pos++;
		}

		private String string() {
			expect('"');
			StringBuilder out = new StringBuilder();
			while (true) {
				char c = this.s.charAt(this.pos++);
				if (c == '"') {
					return out.toString();
				}
				if (c == '\\') {
					char e = this.s.charAt(this.pos++);
					switch (e) {
						case 'n' -> out.append('\n');
						case 'r' -> out.append('\r');
						case 't' -> out.append('\t');
						case 'b' -> out.append('\b');
						case 'f' -> out.append('\f');
						case 'u' -> {
							out.append((char) Integer.parseInt(this.s.substring(this.pos, this.pos + 4), 16));
							this.pos += 4;
						}
						default -> out.append(e);
					}
				}
				else {
					out.append(c);
				}
			}
		}

	}

}
