package io.github.jlitestream.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.management.OperatingSystemMXBean;

/** What the benchmark ran on. */
final class Machine {

	private Machine() {
	}

	static Map<String, Object> describe(String litestreamVersion) {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("cores", Runtime.getRuntime().availableProcessors());
		map.put("cpu", cpuModel());
		long memory = (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os)
				? os.getTotalMemorySize() : -1;
		map.put("memoryBytes", memory);
		map.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
				+ System.getProperty("java.vendor") + ")");
		map.put("jvmArguments", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
		map.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
		map.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
				+ System.getProperty("os.arch"));
		map.put("sqlite", sqliteVersion());
		map.put("litestream", litestreamVersion);
		map.put("engineSource", engineSource());
		return map;
	}

	/**
	 * Which engine code ran: the repository's commit, and the engine's source files that
	 * differ from it (other work in progress in the working tree is measured too).
	 * Read-only git commands.
	 */
	static String engineSource() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.exists(dir.resolve(".git"))) {
			dir = dir.getParent();
		}
		if (dir == null) {
			return "unknown (not in a git repository)";
		}
		String head = git(dir, "rev-parse", "--short", "HEAD");
		String changed = git(dir, "status", "--porcelain", "--", "litestream-core/src/main", "litestream-s3/src/main");
		if (head == null) {
			return "unknown";
		}
		if (changed == null || changed.isBlank()) {
			return "git " + head + " (engine sources unmodified)";
		}
		List<String> files = changed.lines().map((line) -> line.substring(3).replaceAll(".*/", "")).toList();
		return "git " + head + " + uncommitted changes in " + String.join(", ", files);
	}

	private static String git(Path dir, String... args) {
		try {
			List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
			command.addAll(List.of(args));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes()).trim();
			return (process.waitFor() == 0) ? out : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	static String summary(Map<String, Object> machine) {
		return "%s cores (%s), %.1f GiB RAM, Java %s, %s; SQLite %s; Litestream %s\nEngine: %s".formatted(
				machine.get("cores"), machine.get("cpu"),
				((Number) machine.get("memoryBytes")).doubleValue() / (1L << 30), machine.get("java"),
				machine.get("os"), machine.get("sqlite"), machine.get("litestream"), machine.get("engineSource"));
	}

	private static String cpuModel() {
		try {
			List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
			for (String line : lines) {
				if (line.startsWith("model name")) {
					return line.substring(line.indexOf(':') + 1).trim();
				}
			}
		}
		catch (IOException ex) {
			// not Linux
		}
		return "unknown CPU";
	}

	private static String sqliteVersion() {
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite::memory:");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT sqlite_version()")) {
			rs.next();
			return rs.getString(1) + " (sqlite-jdbc " + connection.getMetaData().getDriverVersion() + ")";
		}
		catch (SQLException ex) {
			return "unknown";
		}
	}

}
