package io.github.jlitestream.core.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import io.github.jlitestream.core.Compression;

/**
 * The stream pipeline every replica object passes through on its way to and from a
 * {@code ReplicaClient}. The object key is given so that a layer (such as encryption) can
 * bind the content to its name.
 *
 * @since 0.1.0
 */
public interface ObjectCodec {

	/** How new objects are compressed, which names them ({@code .lz4}, {@code .zst}). */
	default Compression compression() {
		return Compression.LZ4;
	}

	/**
	 * Whether new objects are encrypted: a replica whose objects are refuses to be
	 * written by a codec that is not.
	 */
	default boolean encrypted() {
		return false;
	}

	/**
	 * Returns a stream that encodes what is written to it into {@code out}. Closing it
	 * finishes the object and closes {@code out}.
	 */
	OutputStream encode(OutputStream out, String objectKey) throws IOException;

	/**
	 * Returns a stream of the decoded content of {@code in}. It fails with an
	 * {@link IOException} when the object is damaged: a bad checksum, a truncated object,
	 * or anything after its end.
	 */
	InputStream decode(InputStream in, String objectKey) throws IOException;

}
