package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import io.github.jlitestream.core.LitestreamException;
import org.jspecify.annotations.Nullable;

/**
 * The restored file as the snapshot is written into it. Its own failures are the local
 * disk's, told apart from a damaged snapshot; while it is written, a force runs in the
 * background each time {@link #FLUSH_AHEAD_BYTES} more were written, so the disk writes
 * while the rest downloads rather than all of it at the final force.
 */
final class SnapshotFile implements AutoCloseable {

	/**
	 * While a snapshot is written, a force in the background each time this much more was
	 * written.
	 */
	private static final long FLUSH_AHEAD_BYTES = 128L << 20;

	private final Path path;

	private final FileChannel channel;

	private final ExecutorService flusher;

	private long unflushed;

	private @Nullable Future<?> flushing;

	SnapshotFile(Path path, ExecutorService flusher) {
		this.path = path;
		this.flusher = flusher;
		try {
			this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
		}
		catch (IOException ex) {
			throw localFailure(path, ex);
		}
	}

	void write(byte[] buffer, int length) {
		ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, length);
		try {
			while (chunk.hasRemaining()) {
				this.unflushed += this.channel.write(chunk);
			}
		}
		catch (IOException ex) {
			throw localFailure(this.path, ex);
		}
		if (this.unflushed >= FLUSH_AHEAD_BYTES && (this.flushing == null || this.flushing.isDone())) {
			this.unflushed = 0;
			this.flushing = this.flusher.submit(() -> {
				this.channel.force(false);
				return null;
			});
		}
	}

	void awaitFlush() {
		if (this.flushing != null) {
			try {
				RestoreRun.await(this.flushing);
			}
			catch (IOException ex) {
				throw localFailure(this.path, ex);
			}
		}
	}

	@Override
	public void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			throw localFailure(this.path, ex);
		}
	}

	private static LitestreamException localFailure(Path path, IOException ex) {
		return new LitestreamException("Cannot write the restored database to " + path + ": " + ex.getMessage(), ex);
	}

}
