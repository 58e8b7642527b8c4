package io.github.jlitestream.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds where each of the writer's commits ends in the real WAL, from outside any
 * replicator, by reading {@code <db>-wal} right after the commit returns.
 * <p>
 * A WAL lifetime (from one WAL header to the next restart) is identified by the header's
 * two salts; SQLite changes them at every restart. Its frames are {@code 24 + page size}
 * bytes each after the 32-byte header, and a frame belongs to the lifetime only if its
 * header repeats the lifetime's salts. A commit frame has a non-zero "database size"
 * field. So after a commit, the tracker reads the frame headers beyond what it saw last
 * time, and the commit ends at the byte offset just past the last commit frame: the pair
 * (salts, end offset) is what a replica must hold for the commit to be restorable.
 * <p>
 * Both replicators copy the WAL into their shadow WAL byte for byte from the same offsets
 * (Litestream v0.3.13 reads the real WAL from the shadow's size; this engine's
 * {@code ShadowWal} says so too), and a shadow WAL index is one lifetime, beginning with
 * its header. So a WAL segment {@code <index>_<offset>} of {@code n} decompressed bytes
 * holds the bytes {@code [offset, offset + n)} of the lifetime whose salts appear in it
 * (in the header at offset 0, else in each frame header), which is how
 * {@link LagAnalysis} maps commits to segments.
 * <p>
 * When more than one transaction appeared since the last look, or the lifetime changed (a
 * replicator checkpointed and wrote to its {@code _litestream_seq} table, possibly
 * between the commit and this read), the tracker searches the new transactions' pages for
 * the commit's random 100-byte payload and takes the end of the transaction that holds
 * it. If none does (the commit ended an earlier lifetime that was restarted before the
 * read), the commit is reported as unmapped and left out of the lag figures (it is
 * counted).
 */
final class WalTracker implements AutoCloseable {

	private static final int WAL_HEADER = 32;

	private static final int FRAME_HEADER = 24;

	private final FileChannel wal;

	private final ByteBuffer header = ByteBuffer.allocate(WAL_HEADER);

	private final ByteBuffer frameHeader = ByteBuffer.allocate(FRAME_HEADER);

	private long salts;

	private int frameSize;

	/** Frames of the current lifetime seen so far. */
	private long frames;

	/** The end of the last commit seen in the current lifetime. */
	private long committedEnd;

	private long mappedSalts;

	private long mappedEnd;

	private int searches;

	WalTracker(Path database) throws IOException {
		// Never closed while the writer's connection is open: SQLite takes no locks on
		// the -wal file itself, and this descriptor is read-only.
		this.wal = FileChannel.open(database.resolveSibling(database.getFileName() + "-wal"), StandardOpenOption.READ);
	}

	/**
	 * The salts (salt-1 in the high half) of the lifetime holding the last mapped commit.
	 */
	long salts() {
		return this.mappedSalts;
	}

	/** The byte offset just past the last mapped commit, within its lifetime. */
	long end() {
		return this.mappedEnd;
	}

	/** How many times the payload had to be searched for. */
	int searches() {
		return this.searches;
	}

	/**
	 * Locates the commit that just returned.
	 * @param payload the commit's payload
	 * @return whether it was located; then {@link #salts()} and {@link #end()} say where
	 */
	boolean afterCommit(byte[] payload) throws IOException {
		this.header.clear();
		if (readFully(this.header, 0) < WAL_HEADER) {
			return false;
		}
		int magic = this.header.getInt(0);
		if (magic != 0x377f0682 && magic != 0x377f0683) {
			return false;
		}
		long headerSalts = this.header.getLong(16);
		boolean newLifetime = headerSalts != this.salts;
		if (newLifetime) {
			this.salts = headerSalts;
			this.frameSize = this.header.getInt(8) + FRAME_HEADER;
			this.frames = 0;
			this.committedEnd = WAL_HEADER;
		}
		List<long[]> transactions = new ArrayList<>(1);
		long txStart = this.committedEnd;
		while (true) {
			long offset = WAL_HEADER + this.frames * this.frameSize;
			this.frameHeader.clear();
			if (readFully(this.frameHeader, offset) < FRAME_HEADER || this.frameHeader.getLong(8) != this.salts) {
				break;
			}
			this.frames++;
			if (this.frameHeader.getInt(4) != 0) {
				long end = WAL_HEADER + this.frames * this.frameSize;
				transactions.add(new long[] { txStart, end });
				txStart = end;
				this.committedEnd = end;
			}
		}
		if (transactions.size() == 1 && !newLifetime) {
			this.mappedSalts = this.salts;
			this.mappedEnd = transactions.get(0)[1];
			return true;
		}
		if (transactions.isEmpty()) {
			return false;
		}
		this.searches++;
		for (int i = transactions.size() - 1; i >= 0; i--) {
			long[] tx = transactions.get(i);
			if (contains(tx[0], tx[1], payload)) {
				this.mappedSalts = this.salts;
				this.mappedEnd = tx[1];
				return true;
			}
		}
		return false;
	}

	private boolean contains(long start, long end, byte[] payload) throws IOException {
		ByteBuffer frame = ByteBuffer.allocate(this.frameSize);
		for (long offset = (start == 0) ? WAL_HEADER : start; offset < end; offset += this.frameSize) {
			frame.clear();
			if (readFully(frame, offset) < this.frameSize) {
				return false;
			}
			if (indexOf(frame.array(), FRAME_HEADER, this.frameSize, payload) >= 0) {
				return true;
			}
		}
		return false;
	}

	private static int indexOf(byte[] haystack, int from, int to, byte[] needle) {
		outer: for (int i = from; i <= to - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	private int readFully(ByteBuffer buffer, long position) throws IOException {
		int total = 0;
		while (buffer.hasRemaining()) {
			int n = this.wal.read(buffer, position + total);
			if (n < 0) {
				break;
			}
			total += n;
		}
		return total;
	}

	@Override
	public void close() throws IOException {
		this.wal.close();
	}

}
