package io.github.jlitestream.core.lease;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * What a replica's lease object says: who holds the replica and until when. Stored as
 * {@code key=value} lines under a first line that names the format, readable by an
 * operator with any tool that prints an object.
 *
 * @param instance the holding engine's random id, new at each start
 * @param host the holder's host name
 * @param pid the holder's process id
 * @param database the absolute path of the database it replicates
 * @param local the id of the holder's local directory ({@link LocalLock#localId()}): an
 * engine that holds the local lock of that directory knows the holder has stopped
 * @param acquiredAt when the holder took the lease
 * @param renewedAt when the holder last renewed it, by its clock
 * @param ttl how long the lease lasts after each renewal
 * @param releasedAt when the holder gave it up at a graceful stop, or null while held
 * @since 0.1.0
 */
public record LeaseRecord(String instance, String host, long pid, String database, String local, Instant acquiredAt,
		Instant renewedAt, Duration ttl, @Nullable Instant releasedAt) {

	/** The first line of every lease object. */
	static final String FORMAT = "# litestream-java lease 1";

	public LeaseRecord {
		Objects.requireNonNull(instance, "'instance' must not be null");
		Objects.requireNonNull(host, "'host' must not be null");
		Objects.requireNonNull(database, "'database' must not be null");
		Objects.requireNonNull(local, "'local' must not be null");
		Objects.requireNonNull(acquiredAt, "'acquiredAt' must not be null");
		Objects.requireNonNull(renewedAt, "'renewedAt' must not be null");
		Objects.requireNonNull(ttl, "'ttl' must not be null");
	}

	/** When the lease ends by the holder's clock, unless renewed. */
	public Instant expiresAt() {
		return this.renewedAt.plus(this.ttl);
	}

	/** Whether it was given up. */
	public boolean released() {
		return this.releasedAt != null;
	}

	/** Whether {@code other} was written by the same engine for the same database. */
	boolean sameHolder(LeaseRecord other) {
		return this.instance.equals(other.instance) && this.database.equals(other.database);
	}

	LeaseRecord renewed(Instant at) {
		return new LeaseRecord(this.instance, this.host, this.pid, this.database, this.local, this.acquiredAt, at,
				this.ttl, null);
	}

	LeaseRecord released(Instant at) {
		return new LeaseRecord(this.instance, this.host, this.pid, this.database, this.local, this.acquiredAt, at,
				this.ttl, at);
	}

	/** One line for logs and messages: who, where, since when and until when. */
	public String describe() {
		return "instance " + this.instance + " (pid " + this.pid + " on " + this.host + ", database " + this.database
				+ ", since " + this.acquiredAt
				+ (released() ? ", released at " + this.releasedAt : ", until " + expiresAt() + " unless renewed")
				+ ")";
	}

	byte[] encode() {
		StringBuilder text = new StringBuilder(FORMAT).append('\n');
		line(text, "instance", this.instance);
		line(text, "host", this.host);
		line(text, "pid", Long.toString(this.pid));
		line(text, "database", this.database);
		line(text, "local", this.local);
		line(text, "acquired", this.acquiredAt.toString());
		line(text, "renewed", this.renewedAt.toString());
		line(text, "ttl", this.ttl.toString());
		line(text, "expires", expiresAt().toString());
		if (this.releasedAt != null) {
			line(text, "released", this.releasedAt.toString());
		}
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Reads a lease object.
	 * @param name the object's name, for the message
	 * @throws IllegalArgumentException naming the object and what is wrong, when it is
	 * not a lease object of this format
	 */
	public static LeaseRecord decode(byte[] content, String name) {
		String text = new String(content, StandardCharsets.UTF_8);
		if (!text.startsWith(FORMAT + "\n")) {
			throw new IllegalArgumentException("The lease object " + name + " is not a lease of this library (its "
					+ "first line is not '" + FORMAT + "')");
		}
		Properties values = new Properties();
		try {
			values.load(new StringReader(text));
			String released = values.getProperty("released");
			return new LeaseRecord(required(values, "instance", name), required(values, "host", name),
					Long.parseLong(required(values, "pid", name)), required(values, "database", name),
					required(values, "local", name), Instant.parse(required(values, "acquired", name)),
					Instant.parse(required(values, "renewed", name)), Duration.parse(required(values, "ttl", name)),
					(released != null) ? Instant.parse(released) : null);
		}
		catch (IOException | NumberFormatException | DateTimeParseException ex) {
			throw new IllegalArgumentException("The lease object " + name + " is damaged: " + ex.getMessage(), ex);
		}
	}

	private static String required(Properties values, String key, String name) {
		String value = values.getProperty(key);
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("The lease object " + name + " has no '" + key + "'");
		}
		return value;
	}

	private static void line(StringBuilder text, String key, String value) {
		// Properties' own escaping, so that a path with '=', ':' or '\' reads back as
		// written.
		text.append(key).append('=').append(escape(value)).append('\n');
	}

	private static String escape(String value) {
		StringBuilder escaped = new StringBuilder();
		if (value.startsWith(" ")) {
			// a leading blank is part of the value, not of the separator
			escaped.append('\\');
		}
		for (char c : value.toCharArray()) {
			switch (c) {
				case '\\' -> escaped.append("\\\\");
				case '\n' -> escaped.append("\\n");
				case '\r' -> escaped.append("\\r");
				case '=', ':', '#', '!' -> escaped.append('\\').append(c);
				default -> {
					if (c < 0x20 || c > 0x7e) {
						escaped.append("\\u%04x".formatted((int) c));
					}
					else {
						escaped.append(c);
					}
				}
			}
		}
		return escaped.toString();
	}

}
