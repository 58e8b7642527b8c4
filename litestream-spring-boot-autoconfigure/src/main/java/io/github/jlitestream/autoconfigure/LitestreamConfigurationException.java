package io.github.jlitestream.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * A Litestream property has a value that cannot work. {@link LitestreamFailureAnalyzer}
 * turns it into a startup report naming the property and how to fix it.
 *
 * @since 0.1.0
 */
public class LitestreamConfigurationException extends RuntimeException {

	private final String property;

	private final @Nullable Object value;

	private final String action;

	public LitestreamConfigurationException(String property, @Nullable Object value, String problem, String action) {
		super("Invalid Litestream configuration: " + property + " = '" + value + "': " + problem);
		this.property = property;
		this.value = value;
		this.action = action;
	}

	/** The full name of the property. */
	public String property() {
		return this.property;
	}

	/** Its value. */
	public @Nullable Object value() {
		return this.value;
	}

	/** What to do about it. */
	public String action() {
		return this.action;
	}

}
