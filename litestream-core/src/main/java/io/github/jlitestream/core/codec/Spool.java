package io.github.jlitestream.core.codec;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.jlitestream.core.ObjectContent;
import org.jspecify.annotations.Nullable;

/**
 * Holds an encoded object until it is uploaded: in memory while small, in a temporary
 * file beyond a threshold, so that a snapshot of any size is written with a small, fixed
 * heap and can be read again for a retried upload.
 *
 * @since 0.1.0
 */
public final class Spool extends OutputStream {

	private final Path tempDir;

	private final int memoryLimit;

	private ByteArrayOutputStream memory = new ByteArrayOutputStream();

	private @Nullable Path file;

	private @Nullable OutputStream fileOut;

	private long length;

	private boolean closed;

	/**
	 * Creates an empty spool.
	 * @param tempDir where to spill
	 * @param memoryLimit the largest content held in memory
	 */
	public Spool(Path tempDir, int memoryLimit) {
		this.tempDir = tempDir;
		this.memoryLimit = memoryLimit;
	}

	@Override
	public void write(int b) throws IOException {
		write(new byte[] { (byte) b }, 0, 1);
	}

	@Override
	public void write(byte[] b, int off, int len) throws IOException {
		if (this.fileOut == null && this.memory.size() + len > this.memoryLimit) {
			Files.createDirectories(this.tempDir);
			this.file = Files.createTempFile(this.tempDir, "spool-", ".tmp");
			this.fileOut = new BufferedOutputStream(Files.newOutputStream(this.file), 1 << 16);
			this.memory.writeTo(this.fileOut);
			this.memory = new ByteArrayOutputStream();
		}
		if (this.fileOut != null) {
			this.fileOut.write(b, off, len);
		}
		else {
			this.memory.write(b, off, len);
		}
		this.length += len;
	}

	@Override
	public void close() throws IOException {
		if (!this.closed) {
			this.closed = true;
			if (this.fileOut != null) {
				this.fileOut.close();
			}
		}
	}

	/** The content written, once closed. */
	public ObjectContent content() throws IOException {
		if (!this.closed) {
			throw new IllegalStateException("Spool must be closed first");
		}
		if (this.file != null) {
			return ObjectContent.of(this.file);
		}
		return ObjectContent.of(this.memory.toByteArray());
	}

	/** Deletes the temporary file, if any. */
	public void discard() {
		try {
			close();
			if (this.file != null) {
				Files.deleteIfExists(this.file);
			}
		}
		catch (IOException ex) {
			// a leftover temporary file is removed at the next start
		}
	}

}
