package io.github.jlitestream.core.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import io.github.jlitestream.core.support.FileChannelAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audit finding 14: one {@code FileChannel.write} may write fewer bytes than asked (a
 * full disk, a signal); the shadow WAL's writes go through {@link LocalFiles#writeFully},
 * which loops until every byte is written.
 */
class LocalFilesTests {

	@TempDir
	Path dir;

	@Test
	void writesEveryByteWhenEachWriteTakesOnlyAFew() throws IOException {
		Path file = this.dir.resolve("f");
		byte[] content = new byte[10_000];
		for (int i = 0; i < content.length; i++) {
			content[i] = (byte) i;
		}
		try (FileChannel real = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			FileChannel shortWrites = new ShortWritesChannel(real, 7);
			LocalFiles.writeFully(shortWrites, ByteBuffer.wrap(content), 100);
		}
		byte[] written = Files.readAllBytes(file);
		assertThat(written).hasSize(10_100);
		assertThat(Arrays.copyOfRange(written, 100, 10_100)).isEqualTo(content);
	}

	@Test
	void forcesADirectory() throws IOException {
		LocalFiles.forceDirectory(this.dir);
	}

	@Test
	void replacesAFileAtomicallyThroughATemporaryFileBesideIt() throws IOException {
		Path file = this.dir.resolve("generation");
		Files.writeString(file, "old");
		for (boolean durable : new boolean[] { true, false }) {
			LocalFiles.writeAtomically(file, (tmp) -> {
				assertThat(tmp).isEqualTo(this.dir.resolve("generation.tmp"));
				assertThat(file).hasContent("old");
				Files.writeString(tmp, "new");
			}, durable);
			assertThat(file).hasContent("new");
			assertThat(this.dir.resolve("generation.tmp")).doesNotExist();
			Files.writeString(file, "old");
		}
	}

	@Test
	void deletesATreeWithEverythingBelowIt() throws IOException {
		Path root = this.dir.resolve("generations");
		Files.createDirectories(root.resolve("a/wal"));
		Files.writeString(root.resolve("a/wal/00000000.wal"), "x");
		Files.writeString(root.resolve("a/generation"), "y");
		Files.createDirectories(this.dir.resolve("kept"));
		LocalFiles.deleteTree(root);
		assertThat(root).doesNotExist();
		assertThat(this.dir.resolve("kept")).isDirectory();
	}

	/**
	 * Writes at most {@code limit} bytes per call, as a write interrupted or short of
	 * space may.
	 */
	private static final class ShortWritesChannel extends FileChannelAdapter {

		private final int limit;

		ShortWritesChannel(FileChannel delegate, int limit) {
			super(delegate);
			this.limit = limit;
		}

		@Override
		public int write(ByteBuffer src, long position) throws IOException {
			ByteBuffer slice = src.slice();
			slice.limit(Math.min(this.limit, slice.remaining()));
			int n = this.delegate.write(slice, position);
			src.position(src.position() + n);
			return n;
		}

	}

}
