package io.github.jlitestream.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * A replica's lease object as its store holds it: the bytes, and the version that a
 * conditional replace or delete must name, so that it succeeds only if nobody changed the
 * object since it was read.
 *
 * @param content the object's bytes
 * @param version what the store calls this version of the object: the ETag in S3, a
 * digest of the bytes in a file replica
 * @since 0.1.0
 */
public record StoredLease(byte[] content, String version) {

	public StoredLease {
		content = content.clone();
		Objects.requireNonNull(version, "'version' must not be null");
	}

	@Override
	public byte[] content() {
		return this.content.clone();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof StoredLease lease && this.version.equals(lease.version)
				&& Arrays.equals(this.content, lease.content);
	}

	@Override
	public int hashCode() {
		return this.version.hashCode();
	}

	@Override
	public String toString() {
		return "StoredLease[version=" + this.version + ", " + this.content.length + " bytes]";
	}

}
