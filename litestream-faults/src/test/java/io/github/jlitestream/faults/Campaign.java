package io.github.jlitestream.faults;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * The campaign's settings from the build: {@code faults.trials} (10 in
 * {@code mvn verify}, more in the soak), {@code faults.seed} (drawn and printed when
 * unset, to replay a failure), {@code faults.soak} and {@code faults.points} (the kill
 * points, comma-separated labels; all when unset).
 */
final class Campaign {

	private Campaign() {
	}

	static int trials() {
		return Integer.parseInt(property("faults.trials", "10"));
	}

	static List<KillPoint> killPoints() {
		String points = property("faults.points", "");
		return points.isEmpty() ? List.of(KillPoint.values())
				: Arrays.stream(points.split(",")).map(String::trim).map(KillPoint::of).toList();
	}

	static boolean soak() {
		return Boolean.parseBoolean(property("faults.soak", "false"));
	}

	static long seed() {
		String seed = property("faults.seed", "");
		return seed.isEmpty() ? new SecureRandom().nextLong() : Long.parseLong(seed);
	}

	/** Where every scenario appends its row of the campaign's table. */
	static Path report() {
		return Path.of("target", "faults-report.md");
	}

	private static String property(String name, String fallback) {
		String value = System.getProperty(name, "").trim();
		return (value.isEmpty() || value.startsWith("${")) ? fallback : value;
	}

}
