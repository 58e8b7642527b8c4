package io.github.jlitestream.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * Refuses {@code litestream.*} keys that are none of the starter's properties: Spring
 * Boot ignores them, so {@code ...encryption.kee} would leave the backups unencrypted and
 * {@code sync-intervall} would do nothing, without a word. The known names come from
 * {@link LitestreamProperties} itself (a map's keys are names the user chooses), and the
 * report names the nearest known one. Values are never shown: a mistyped key may hold a
 * secret.
 */
final class UnknownProperties {

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(LitestreamProperties.PREFIX);

	private static final Node TREE = Node.of(ResolvableType.forClass(LitestreamProperties.class));

	private UnknownProperties() {
	}

	/**
	 * Checks every {@code litestream.*} key of the environment's property sources.
	 * @throws LitestreamConfigurationException naming the first unknown key, where it
	 * comes from and the nearest known name
	 */
	static void check(Environment environment) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			for (ConfigurationPropertyName name : (Iterable<ConfigurationPropertyName>) iterable.stream()::iterator) {
				if (ROOT.isAncestorOf(name) && !TREE.knows(name, 1)) {
					throw unknown(name, source.getConfigurationProperty(name));
				}
			}
		}
	}

	private static LitestreamConfigurationException unknown(ConfigurationPropertyName name,
			@Nullable ConfigurationProperty property) {
		Origin origin = (property != null) ? property.getOrigin() : null;
		String where = (origin != null) ? " (set in " + origin + ")" : "";
		StringBuilder suggestion = new StringBuilder(LitestreamProperties.PREFIX);
		TREE.suggest(name, 1, suggestion);
		String action = "Did you mean '" + suggestion + "'? The README lists every litestream.* property.";
		if (name.toString().startsWith("litestream.access.key") || name.toString().startsWith("litestream.secret")) {
			action = "LITESTREAM_ACCESS_KEY_ID and LITESTREAM_SECRET_ACCESS_KEY are the Litestream binary's "
					+ "variables; this starter takes credentials from the AWS SDK (AWS_ACCESS_KEY_ID, "
					+ "AWS_SECRET_ACCESS_KEY, a profile or an instance role) or Spring Cloud AWS "
					+ "(spring.cloud.aws.credentials.*). Remove them from this application's environment.";
		}
		return new LitestreamConfigurationException(name.toString(),
				"it is not a Litestream property" + where + "; it would be ignored without a word", action);
	}

	/** A property of the starter's configuration: a value, a nested object or a map. */
	private static final class Node {

		private final Map<String, Node> children;

		private final Map<String, String> dashed;

		private final @Nullable Node mapValues;

		private final boolean indexed;

		private Node(Map<String, Node> children, Map<String, String> dashed, @Nullable Node mapValues,
				boolean indexed) {
			this.children = children;
			this.dashed = dashed;
			this.mapValues = mapValues;
			this.indexed = indexed;
		}

		static Node of(ResolvableType type) {
			Class<?> raw = type.resolve(Object.class);
			if (Map.class.isAssignableFrom(raw)) {
				return new Node(Map.of(), Map.of(), of(type.asMap().getGeneric(1)), false);
			}
			if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
				return new Node(Map.of(), Map.of(), null, true);
			}
			if (raw.isEnum() || !raw.getName().startsWith(LitestreamProperties.class.getName())) {
				return new Node(Map.of(), Map.of(), null, false);
			}
			Map<String, Node> children = new LinkedHashMap<>();
			Map<String, String> dashed = new LinkedHashMap<>();
			for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(raw)) {
				if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
					continue;
				}
				ConfigurationPropertyName child = ConfigurationPropertyName.adapt(descriptor.getName(), '.');
				String uniform = child.getElement(0, Form.UNIFORM);
				children.put(uniform, of(ResolvableType.forMethodReturnType(descriptor.getReadMethod())));
				dashed.put(uniform, dashed(descriptor.getName()));
			}
			return new Node(children, dashed, null, false);
		}

		private static String dashed(String camelCase) {
			return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
		}

		/**
		 * Whether {@code name}'s elements from {@code from} on are a property below this
		 * node. An environment variable's underscores split a dashed name into elements
		 * ({@code SYNC_INTERVAL}), so elements may join to make one.
		 */
		boolean knows(ConfigurationPropertyName name, int from) {
			if (from == name.getNumberOfElements()) {
				return true;
			}
			if (this.indexed) {
				return true;
			}
			if (this.mapValues != null) {
				return this.mapValues.knows(name, from + 1);
			}
			StringBuilder joined = new StringBuilder();
			for (int to = from; to < name.getNumberOfElements(); to++) {
				joined.append(name.getElement(to, Form.UNIFORM));
				Node child = this.children.get(joined.toString());
				if (child != null && child.knows(name, to + 1)) {
					return true;
				}
			}
			return false;
		}

		/**
		 * Appends the nearest known name for {@code name}'s elements from {@code from}.
		 */
		void suggest(ConfigurationPropertyName name, int from, StringBuilder suggestion) {
			if (from >= name.getNumberOfElements() || this.indexed) {
				for (int i = from; i < name.getNumberOfElements(); i++) {
					suggestion.append(name.isNumericIndex(i) ? "[" + name.getElement(i, Form.ORIGINAL) + "]"
							: "." + name.getElement(i, Form.DASHED));
				}
				return;
			}
			if (this.mapValues != null) {
				suggestion.append('.').append(name.getElement(from, Form.DASHED));
				this.mapValues.suggest(name, from + 1, suggestion);
				return;
			}
			if (this.children.isEmpty()) {
				return;
			}
			// the nearest child to one element, or to several an environment variable
			// split
			String nearest = null;
			int joinedElements = 1;
			int best = Integer.MAX_VALUE;
			StringBuilder joined = new StringBuilder();
			for (int to = from; to < name.getNumberOfElements(); to++) {
				joined.append(name.getElement(to, Form.UNIFORM));
				for (String child : this.children.keySet()) {
					int distance = distance(joined.toString(), child);
					if (distance < best) {
						best = distance;
						nearest = child;
						joinedElements = to - from + 1;
					}
				}
			}
			suggestion.append('.').append(this.dashed.get(nearest));
			this.children.get(nearest).suggest(name, from + joinedElements, suggestion);
		}

		/** Levenshtein's edit distance. */
		private static int distance(String a, String b) {
			int[] previous = new int[b.length() + 1];
			int[] current = new int[b.length() + 1];
			for (int j = 0; j <= b.length(); j++) {
				previous[j] = j;
			}
			for (int i = 1; i <= a.length(); i++) {
				current[0] = i;
				for (int j = 1; j <= b.length(); j++) {
					int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
					current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
				}
				int[] swap = previous;
				previous = current;
				current = swap;
			}
			return previous[b.length()];
		}

	}

}
