package io.github.jlitestream.core.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.util.Arrays;

import io.github.jlitestream.core.support.FileChannelAdapter;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audit finding 10: a transaction that spilled pages into the WAL before it committed
 * rewrites one of them in place at commit, appends its commit frame with checksums
 * chained over the old page, and only then rewrites the checksums (sqlite3WalFrames,
 * walRewriteChecksums). A copy that read the old page and then the commit frame before
 * the rewrite sees a valid chain over a state that never existed. The WAL bytes here are
 * real SQLite output, taken before and after such a commit; the torn view is what a
 * lock-free reader could see in between.
 */
class TornCopyTests {

	@TempDir
	Path dir;

	@Test
	void aCopyThatReadAPageBeforeItsInPlaceRewriteIsNotAccepted() throws Exception {
		Path path = this.dir.resolve("app.db");
		byte[] before;
		byte[] after;
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "PRAGMA wal_autocheckpoint = 0", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			Sql.execute(app, "PRAGMA cache_size = 20");
			app.setAutoCommit(false);
			for (int i = 0; i < 400; i++) {
				Sql.execute(app, "INSERT INTO t (v) VALUES ('" + "x".repeat(300) + i + "')");
			}
			// spilled, not committed
			before = Files.readAllBytes(path.resolveSibling("app.db-wal"));
			Sql.execute(app, "UPDATE t SET v = 'changed' WHERE id <= 3");
			app.commit();
			after = Files.readAllBytes(path.resolveSibling("app.db-wal"));
		}
		WalHeader header = WalHeader.parse(Arrays.copyOf(after, WalHeader.SIZE));
		int frameSize = header.frameSize();
		int spilled = (before.length - WalHeader.SIZE) / frameSize;
		int committed = (after.length - WalHeader.SIZE) / frameSize;
		assertThat(firstPageRewrittenInPlace(before, after, spilled, frameSize))
			.as("SQLite rewrote a spilled page in place at commit")
			.isGreaterThanOrEqualTo(0);
		byte[] torn = tornView(header, before, after, spilled, committed);
		assertThat(chainEndsInCommit(header, torn)).as("the torn view is a valid chain ending in a commit").isTrue();

		Path shadowFile = this.dir.resolve("shadow.wal");
		ShadowWal shadow = ShadowWal.create(shadowFile, header);
		Path committedWal = this.dir.resolve("committed.wal");
		Files.write(committedWal, after);
		try (FileChannel wal = new SwitchingWal(torn, committedWal)) {
			shadow.copyFrom(wal);
		}
		assertThat(shadow.size()).as("nothing of the torn view accepted").isEqualTo(WalHeader.SIZE);
		try (FileChannel wal = new SwitchingWal(after, committedWal)) {
			shadow.copyFrom(wal);
		}
		assertThat(Files.readAllBytes(shadowFile)).as("the next copy takes the committed frames")
			.isEqualTo(Arrays.copyOf(after, WalHeader.SIZE + committed * frameSize));
	}

	private static int firstPageRewrittenInPlace(byte[] before, byte[] after, int spilled, int frameSize) {
		for (int frame = 0; frame < spilled; frame++) {
			int at = WalHeader.SIZE + frame * frameSize + WalFrame.HEADER_SIZE;
			if (!Arrays.equals(before, at, at + frameSize - WalFrame.HEADER_SIZE, after, at,
					at + frameSize - WalFrame.HEADER_SIZE)) {
				return frame;
			}
		}
		return -1;
	}

	/**
	 * The spilled frames as they were before the commit, then the frames the commit
	 * appended, with checksums chained over the old pages: what the WAL held between the
	 * commit frame's write and walRewriteChecksums.
	 */
	private static byte[] tornView(WalHeader header, byte[] before, byte[] after, int spilled, int committed) {
		int frameSize = header.frameSize();
		byte[] torn = Arrays.copyOf(after, WalHeader.SIZE + committed * frameSize);
		System.arraycopy(before, 0, torn, 0, WalHeader.SIZE + spilled * frameSize);
		WalChecksum checksum = header.checksum();
		for (int frame = 0; frame < committed; frame++) {
			int at = WalHeader.SIZE + frame * frameSize;
			checksum = checksum.update(header.bigEndianChecksums(), torn, at, 8)
				.update(header.bigEndianChecksums(), torn, at + WalFrame.HEADER_SIZE, header.pageSize());
			if (frame >= spilled) {
				ByteBuffer.wrap(torn, at + 16, 8).putInt(checksum.s0()).putInt(checksum.s1());
			}
		}
		return torn;
	}

	private static boolean chainEndsInCommit(WalHeader header, byte[] wal) {
		FrameChain chain = new FrameChain(header);
		for (int at = WalHeader.SIZE; at + header.frameSize() <= wal.length; at += header.frameSize()) {
			if (chain.accept(wal, at) != null) {
				return false;
			}
		}
		return chain.lastCommitOffset() == wal.length;
	}

	/**
	 * A WAL seen by a reader without locks while SQLite commits: it reads {@code first}
	 * until a read reaches the last frame, and the real file afterwards.
	 */
	private static final class SwitchingWal extends FileChannelAdapter {

		private final byte[] first;

		private boolean switched;

		SwitchingWal(byte[] first, Path then) throws IOException {
			super(FileChannel.open(then, StandardOpenOption.READ));
			this.first = first;
		}

		@Override
		public int read(ByteBuffer dst, long position) throws IOException {
			if (this.switched) {
				return this.delegate.read(dst, position);
			}
			if (position >= this.first.length) {
				return -1;
			}
			int n = (int) Math.min(dst.remaining(), this.first.length - position);
			dst.put(this.first, (int) position, n);
			this.switched = position + n >= this.first.length;
			return n;
		}

		@Override
		public long size() {
			return this.first.length;
		}

	}

}
