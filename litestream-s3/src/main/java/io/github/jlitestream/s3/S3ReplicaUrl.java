package io.github.jlitestream.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * The address of an S3 replica, {@code s3://<bucket>/<prefix>}. The prefix is cleaned the
 * way Litestream's {@code path.Join} cleans it: no leading or trailing slashes, no empty
 * or {@code .} segments; an empty prefix puts the replica at the root of the bucket.
 *
 * @param bucket the bucket name
 * @param prefix the cleaned key prefix, possibly empty
 * @since 0.1.0
 */
public record S3ReplicaUrl(String bucket, String prefix) {

	/** The URL scheme of S3 replicas. */
	public static final String SCHEME = "s3";

	public S3ReplicaUrl {
		Objects.requireNonNull(bucket, "'bucket' must not be null");
		Objects.requireNonNull(prefix, "'prefix' must not be null");
		if (bucket.isEmpty() || bucket.chars().anyMatch((c) -> c == '/' || c == ':' || Character.isWhitespace(c))) {
			throw new IllegalArgumentException("Invalid S3 bucket name '" + bucket + "'");
		}
		prefix = S3Keys.cleanPrefix(prefix);
	}

	/**
	 * Parses {@code s3://bucket/prefix}.
	 * @param url the replica URL
	 * @return the bucket and cleaned prefix
	 * @throws IllegalArgumentException when the URL is not an {@code s3://} URL with a
	 * bucket
	 */
	public static S3ReplicaUrl parse(String url) {
		Objects.requireNonNull(url, "'url' must not be null");
		URI uri;
		try {
			uri = new URI(url.trim());
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException(
					"Invalid S3 replica URL '" + url + "' (" + ex.getReason() + "): expected s3://<bucket>/<path>", ex);
		}
		if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
			throw new IllegalArgumentException("Invalid S3 replica URL '" + url + "': expected s3://<bucket>/<path>");
		}
		if (uri.getRawUserInfo() != null) {
			throw new IllegalArgumentException("Invalid S3 replica URL '" + uri.getScheme() + "://" + uri.getHost()
					+ uri.getRawPath() + "': credentials do not belong in the URL");
		}
		// getHost() is null for names that are not valid host names (e.g. with '_'): fall
		// back to the authority.
		String bucket = (uri.getHost() != null) ? uri.getHost() : uri.getRawAuthority();
		if (bucket == null || bucket.isEmpty() || bucket.contains(":") || uri.getPort() != -1) {
			throw new IllegalArgumentException("Invalid S3 replica URL '" + url
					+ "': the bucket is missing or invalid, expected s3://<bucket>/<path>");
		}
		if (uri.getQuery() != null || uri.getFragment() != null) {
			throw new IllegalArgumentException(
					"Invalid S3 replica URL '" + url + "': query and fragment are not supported");
		}
		String path = (uri.getPath() != null) ? uri.getPath() : "";
		return new S3ReplicaUrl(bucket, path);
	}

	/** {@code s3://bucket/prefix}, or {@code s3://bucket} for an empty prefix. */
	@Override
	public String toString() {
		return SCHEME + "://" + this.bucket + (this.prefix.isEmpty() ? "" : "/" + this.prefix);
	}

}
