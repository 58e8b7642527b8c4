package io.github.jlitestream.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import io.github.jlitestream.core.Generation;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * What state of a replica a command goes to, with Litestream's flags: a point in time
 * ({@code -timestamp}), a generation ({@code -generation}) and a WAL index of it
 * ({@code -index}, hex), each checked with Litestream's messages.
 */
class TargetArguments {

	@Option(names = { "-generation", "--generation" }, paramLabel = "NAME",
			description = "From this generation (default: the one with the latest data).")
	@Nullable String generation;

	@Option(names = { "-index", "--index" }, paramLabel = "NUM",
			description = "Up to this hex-encoded WAL index, inclusive (default: the highest).")
	@Nullable String index;

	@Option(names = { "-timestamp", "--timestamp" }, paramLabel = "TIMESTAMP",
			description = "To this point in time, such as 2026-12-07T10:14:00Z (default: the latest).")
	@Nullable String timestamp;

	/** The point in time, or null. */
	@Nullable Instant timestamp() {
		if (this.timestamp == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(this.timestamp).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw CliException.usage("invalid -timestamp '" + this.timestamp
					+ "', must specify in ISO 8601 format (e.g. 2000-01-01T00:00:00Z)");
		}
	}

	/** The WAL index, or null. */
	@Nullable Long index() {
		if (this.index == null) {
			return null;
		}
		try {
			return Long.parseLong(this.index, 16);
		}
		catch (NumberFormatException ex) {
			throw CliException
				.usage("invalid value \"" + this.index + "\" for flag -index: invalid hexadecimal format");
		}
	}

	/** The generation, or null. */
	@Nullable Generation generation() {
		if (this.generation == null) {
			return null;
		}
		if (!Generation.isValid(this.generation)) {
			throw CliException.usage("-generation " + this.generation + ": not a generation id (16 lowercase hex "
					+ "digits, as `generations` lists them)");
		}
		return new Generation(this.generation);
	}

}
