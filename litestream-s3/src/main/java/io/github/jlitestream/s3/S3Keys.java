package io.github.jlitestream.s3;

/**
 * Joins the replica's key prefix to the names
 * {@link io.github.jlitestream.core.layout.ReplicaPaths} formats, as Litestream does with
 * Go's {@code path.Join(prefix, name)}.
 */
final class S3Keys {

	private S3Keys() {
	}

	/**
	 * Cleans a prefix: no leading, trailing or doubled slashes, no {@code .} segments;
	 * {@code ..} is refused.
	 */
	static String cleanPrefix(String prefix) {
		StringBuilder cleaned = new StringBuilder(prefix.length());
		for (String segment : prefix.split("/")) {
			if (segment.isEmpty() || segment.equals(".")) {
				continue;
			}
			if (segment.equals("..")) {
				throw new IllegalArgumentException("Invalid S3 key prefix '" + prefix + "': '..' is not allowed");
			}
			if (!cleaned.isEmpty()) {
				cleaned.append('/');
			}
			cleaned.append(segment);
		}
		return cleaned.toString();
	}

	/**
	 * {@code prefix/name}, or {@code name} for an empty prefix; {@code prefix} must be
	 * clean.
	 */
	static String join(String prefix, String name) {
		return prefix.isEmpty() ? name : prefix + "/" + name;
	}

	/** The listing prefix of a directory: {@code prefix/dir/}. */
	static String directory(String prefix, String dir) {
		return join(prefix, dir) + "/";
	}

}
