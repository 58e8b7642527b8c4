package io.github.jlitestream.core.rollback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.util.LocalFiles;
import org.jspecify.annotations.Nullable;

/**
 * A staged rollback, as recorded durably beside the database: what it goes back to, who
 * asked for it and when, and, once it is being applied, where the live database is moved
 * aside. Written atomically and forced, so a crash finds the old record or the new one.
 *
 * @param state {@code staged}, or {@code applying} once the start that applies it began
 * @param target what was asked for, such as {@code timestamp 2026-12-07T10:14:00Z}
 * @param generation the generation the staged state was restored from
 * @param position the position the staged state holds
 * @param lastChangeAt the store time of the newest object the staged state holds
 * @param requestedAt when it was staged
 * @param requestedBy who asked (the endpoint's principal and address, or the command
 * line's user)
 * @param aside where the live database goes (set when applying starts), or null
 * @since 0.2.0
 */
public record RollbackIntent(String state, String target, String generation, String position, Instant lastChangeAt,
		Instant requestedAt, String requestedBy, @Nullable Path aside) {

	static final String STAGED = "staged";

	static final String APPLYING = "applying";

	RollbackIntent applying(Path aside) {
		return new RollbackIntent(APPLYING, this.target, this.generation, this.position, this.lastChangeAt,
				this.requestedAt, this.requestedBy, aside);
	}

	/** The reason of the generation the rolled-back database starts. */
	public String generationReason() {
		return "rolled back to " + this.target + " (generation " + this.generation + ", position " + this.position
				+ ")";
	}

	void write(Path file) throws IOException {
		Properties values = new Properties();
		values.setProperty("state", this.state);
		values.setProperty("target", this.target);
		values.setProperty("generation", this.generation);
		values.setProperty("position", this.position);
		values.setProperty("lastChangeAt", this.lastChangeAt.toString());
		values.setProperty("requestedAt", this.requestedAt.toString());
		values.setProperty("requestedBy", this.requestedBy);
		if (this.aside != null) {
			values.setProperty("aside", this.aside.toString());
		}
		LocalFiles.writeAtomically(file, (tmp) -> {
			try (OutputStream out = Files.newOutputStream(tmp)) {
				values.store(out, "litestream-java rollback 1");
			}
		}, true);
	}

	static Optional<RollbackIntent> read(Path file) throws IOException {
		Properties values = new Properties();
		try (InputStream in = Files.newInputStream(file)) {
			values.load(in);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		try {
			String aside = values.getProperty("aside");
			return Optional.of(new RollbackIntent(required(values, "state", file), required(values, "target", file),
					required(values, "generation", file), required(values, "position", file),
					Instant.parse(required(values, "lastChangeAt", file)),
					Instant.parse(required(values, "requestedAt", file)), required(values, "requestedBy", file),
					(aside != null) ? Path.of(aside) : null));
		}
		catch (RuntimeException ex) {
			throw new LitestreamException("The rollback record " + file + " is damaged (" + ex.getMessage()
					+ "); cancel the rollback (delete " + file.getParent() + ") and stage it again", ex);
		}
	}

	private static String required(Properties values, String key, Path file) {
		String value = values.getProperty(key);
		if (value == null) {
			throw new IllegalArgumentException("no " + key + " in " + file);
		}
		return value;
	}

}
