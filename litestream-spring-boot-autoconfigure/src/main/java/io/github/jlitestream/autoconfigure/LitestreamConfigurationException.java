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

	/**
	 * A property that cannot work whatever its value, which is not shown (it may be a
	 * secret).
	 * @param property the property's full name
	 * @param problem what is wrong
	 * @param action what to do about it
	 * @since 0.2.0
	 */
	public LitestreamConfigurationException(String property, String problem, String action) {
		super("Invalid Litestream configuration: " + property + ": " + problem);
		this.property = property;
		this.value = null;
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
