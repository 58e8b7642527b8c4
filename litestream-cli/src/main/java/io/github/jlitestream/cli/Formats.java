package io.github.jlitestream.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Times and durations as Litestream prints them: RFC 3339 in UTC to the second, and Go's
 * duration format truncated to a precision that fits the size.
 */
final class Formats {

	private Formats() {
	}

	/** {@code 2026-12-07T22:59:29Z}; Go's zero time for none. */
	static String time(@Nullable Instant instant) {
		if (instant == null) {
			return "0001-01-01T00:00:00Z";
		}
		return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
	}

	/**
	 * Go's {@code time.Duration.String()} after Litestream's {@code truncateDuration}:
	 * whole seconds above 10 s, tenths above 1 s, milliseconds above 1 ms.
	 */
	static String lag(Duration duration) {
		boolean negative = duration.isNegative();
		long nanos = Math.abs(duration.toNanos());
		if (nanos > 10_000_000_000L) {
			nanos -= nanos % 1_000_000_000L;
		}
		else if (nanos > 1_000_000_000L) {
			nanos -= nanos % 100_000_000L;
		}
		else if (nanos > 1_000_000L) {
			nanos -= nanos % 1_000_000L;
		}
		else if (nanos > 1_000L) {
			nanos -= nanos % 1_000L;
		}
		return (negative ? "-" : "") + go(nanos);
	}

	private static String go(long nanos) {
		if (nanos == 0) {
			return "0s";
		}
		if (nanos < 1_000L) {
			return nanos + "ns";
		}
		if (nanos < 1_000_000L) {
			return decimal(nanos, 1_000L) + "µs";
		}
		if (nanos < 1_000_000_000L) {
			return decimal(nanos, 1_000_000L) + "ms";
		}
		long hours = nanos / 3_600_000_000_000L;
		long minutes = (nanos / 60_000_000_000L) % 60;
		long secondsNanos = nanos % 60_000_000_000L;
		StringBuilder text = new StringBuilder();
		if (hours > 0) {
			text.append(hours).append('h');
		}
		if (hours > 0 || minutes > 0) {
			text.append(minutes).append('m');
		}
		return text.append(decimal(secondsNanos, 1_000_000_000L)).append('s').toString();
	}

	private static String decimal(long value, long unit) {
		return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
	}

	/** Bytes for people: {@code 12.3 MB}. */
	static String bytes(long bytes) {
		if (bytes < 1000) {
			return bytes + " B";
		}
		String[] units = { "kB", "MB", "GB", "TB" };
		double value = bytes;
		int unit = -1;
		while (value >= 1000 && unit < units.length - 1) {
			value /= 1000;
			unit++;
		}
		return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
	}

}
