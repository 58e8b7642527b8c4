package io.github.jlitestream.core;

/**
 * A replica object is damaged, missing, out of place or belongs to something else. The
 * message names the object.
 *
 * @since 0.1.0
 */
public class CorruptReplicaException extends LitestreamException {

	private final String objectKey;

	public CorruptReplicaException(String objectKey, String problem) {
		super(objectKey + ": " + problem);
		this.objectKey = objectKey;
	}

	public CorruptReplicaException(String objectKey, String problem, Throwable cause) {
		super(objectKey + ": " + problem, cause);
		this.objectKey = objectKey;
	}

	/** The key of the object, relative to the replica root. */
	public String objectKey() {
		return this.objectKey;
	}

}
