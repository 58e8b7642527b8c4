package io.github.jlitestream.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of an object to write to a replica: a known length and a stream that can be
 * opened again, so that a client can retry an upload and stream it with bounded memory.
 *
 * @since 0.1.0
 */
public interface ObjectContent {

	/** The number of bytes {@link #open()} returns. */
	long length();

	/** Opens a new stream over the whole content. */
	InputStream open() throws IOException;

	/** Content held in memory. */
	static ObjectContent of(byte[] bytes) {
		return new ObjectContent() {
			@Override
			public long length() {
				return bytes.length;
			}

			@Override
			public InputStream open() {
				return new ByteArrayInputStream(bytes);
			}
		};
	}

	/** Content of a local file, which must not change while the object is written. */
	static ObjectContent of(Path file) throws IOException {
		long size = Files.size(file);
		return new ObjectContent() {
			@Override
			public long length() {
				return size;
			}

			@Override
			public InputStream open() throws IOException {
				return Files.newInputStream(file);
			}
		};
	}

}
