package io.github.jlitestream.core;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The name of a generation: an unbroken chain of WAL history that starts with a snapshot.
 * Exactly 16 lowercase hex characters, as Litestream v0.3 names them.
 *
 * @param id the 16 hex characters
 * @since 0.1.0
 */
public record Generation(String id) implements Comparable<Generation> {

	private static final SecureRandom RANDOM = new SecureRandom();

	public Generation {
		if (!isValid(id)) {
			throw new IllegalArgumentException(
					"Invalid generation name '" + id + "': expected 16 lowercase hex characters");
		}
	}

	/** Returns whether {@code name} is a valid generation name. */
	public static boolean isValid(String name) {
		if (name == null || name.length() != 16) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				return false;
			}
		}
		return true;
	}

	/** Creates a new random generation name. */
	public static Generation random() {
		byte[] bytes = new byte[8];
		RANDOM.nextBytes(bytes);
		return new Generation(HexFormat.of().formatHex(bytes));
	}

	@Override
	public int compareTo(Generation other) {
		return this.id.compareTo(other.id);
	}

	@Override
	public String toString() {
		return this.id;
	}

}
