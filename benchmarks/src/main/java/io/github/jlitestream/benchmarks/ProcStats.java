package io.github.jlitestream.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of a process from Linux's {@code /proc}: {@code utime + stime} of
 * {@code /proc/<pid>/stat} (every thread of the process, in clock ticks) and
 * {@code VmHWM} (peak resident set size) of {@code /proc/<pid>/status}.
 */
final class ProcStats {

	private static final long CLOCK_TICKS_PER_SECOND = clockTicks();

	private ProcStats() {
	}

	/**
	 * User plus system CPU time of the process, in nanoseconds (resolution: one clock
	 * tick, usually 10 ms).
	 */
	static long cpuNanos(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			// The command name (field 2) is in parentheses and may contain spaces: count
			// fields after the last ')'.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
			long utime = Long.parseLong(fields[11]); // field 14
			long stime = Long.parseLong(fields[12]); // field 15
			return (utime + stime) * 1_000_000_000L / CLOCK_TICKS_PER_SECOND;
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("Cannot read /proc/" + pid + "/stat: " + ex.getMessage(), ex);
		}
	}

	/** Peak resident set size ({@code VmHWM}) in bytes. */
	static long peakRssBytes(long pid) {
		return statusKb(pid, "VmHWM:") * 1024;
	}

	/** Current resident set size ({@code VmRSS}) in bytes. */
	static long rssBytes(long pid) {
		return statusKb(pid, "VmRSS:") * 1024;
	}

	private static long statusKb(long pid, String field) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
				if (line.startsWith(field)) {
					return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
				}
			}
			throw new IllegalStateException("No " + field + " in /proc/" + pid + "/status");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read /proc/" + pid + "/status: " + ex.getMessage(), ex);
		}
	}

	private static long clockTicks() {
		try {
			Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes()).trim();
			process.waitFor();
			return Long.parseLong(out);
		}
		catch (IOException | RuntimeException ex) {
			return 100;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 100;
		}
	}

}
