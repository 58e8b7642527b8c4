package io.github.jlitestream.core.restore;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.wal.FrameChain;
import io.github.jlitestream.core.wal.InvalidWalException;
import io.github.jlitestream.core.wal.WalFrame;
import io.github.jlitestream.core.wal.WalHeader;
import org.jspecify.annotations.Nullable;

/**
 * Applies one WAL index, assembled from its segments, to the database being restored. It
 * first checks the whole index (header, salts, checksum chain, whole frames, ending on a
 * commit), naming the segment where a check fails, and only then writes the committed
 * pages. SQLite's own recovery would silently stop at the first bad frame.
 * <p>
 * Between indexes it checks that no WAL lifetime is missing: each index is one lifetime,
 * and the first header of an index whose salt-1 advanced by two or more since the
 * previous index's shows that SQLite restarted the WAL in between without the engine
 * seeing it (audit finding #2: such a restore would pass every other check and silently
 * lack the skipped lifetime's transactions). The header of a WAL that SQLite deleted and
 * created anew (checkpoint sequence 0, random salts), with which the engine continues a
 * generation after a clean shutdown, descends from nothing and is accepted. SQLite also
 * advances both by two when the WAL is truncated twice with no write between; nothing is
 * lost then, but a restore cannot tell that from a skipped lifetime, so a writer has to
 * start a new generation rather than continue across it.
 */
final class WalApplier {

	private final FileChannel database;

	private int pageSize;

	/**
	 * The first header of the index applied last, or null before the first (or after an
	 * empty one).
	 */
	private @Nullable WalHeader previousHeader;

	private long previousIndex = -1;

	/**
	 * Applies WAL indexes onto a database built from a snapshot.
	 * @param pageSize the snapshot's page size, or 0 when the snapshot was empty
	 */
	WalApplier(FileChannel database, int pageSize) {
		this.database = database;
		this.pageSize = pageSize;
	}

	/**
	 * Verifies one WAL index whole, then writes its committed pages into the database.
	 * @param index the WAL index, one more than the previous call's
	 * @param wal the index's WAL: its segments' decoded content, concatenated
	 * @param segments the segments' keys and start offsets in the file, in order
	 * @param allowUncommittedTail whether the WAL may end inside a transaction (the
	 * restore target cut it)
	 */
	void apply(long index, Path wal, List<Segment> segments, boolean allowUncommittedTail) throws IOException {
		long size = Files.size(wal);
		FrameChain chain = verify(index, wal, size, segments);
		if (chain == null) {
			// Nothing to compare the next index with: an empty index proves no lifetime.
			this.previousHeader = null;
			return;
		}
		if (chain.lastCommitOffset() < chain.offset() && !allowUncommittedTail) {
			throw new CorruptReplicaException(keyAt(segments, chain.lastCommitOffset()),
					"WAL ends with %d frame(s) of a transaction that never commits (truncated, or frames appended)"
						.formatted((chain.offset() - chain.lastCommitOffset()) / chain.header().frameSize()));
		}
		write(wal, chain);
		this.previousHeader = chain.header();
		this.previousIndex = index;
	}

	private @Nullable FrameChain verify(long index, Path wal, long size, List<Segment> segments) throws IOException {
		if (size == 0) {
			return null;
		}
		try (InputStream in = new BufferedInputStream(Files.newInputStream(wal), 1 << 20)) {
			byte[] headerBytes = in.readNBytes(WalHeader.SIZE);
			WalHeader header;
			try {
				header = WalHeader.parse(headerBytes);
			}
			catch (InvalidWalException ex) {
				throw new CorruptReplicaException(segments.get(0).key(), "invalid WAL header: " + ex.getMessage());
			}
			if (this.pageSize == 0) {
				this.pageSize = header.pageSize();
			}
			if (header.pageSize() != this.pageSize) {
				throw new CorruptReplicaException(segments.get(0).key(), "WAL page size " + header.pageSize()
						+ " differs from the snapshot's " + this.pageSize + ": it belongs to another database");
			}
			checkContinuity(index, header, segments.get(0).key());
			FrameChain chain = new FrameChain(header);
			int frameSize = header.frameSize();
			byte[] frame = new byte[frameSize];
			while (chain.offset() + frameSize <= size) {
				if (in.readNBytes(frame, 0, frameSize) != frameSize) {
					throw new CorruptReplicaException(keyAt(segments, chain.offset()), "WAL file shrank while read");
				}
				String problem = chain.accept(frame, 0);
				if (problem != null) {
					throw new CorruptReplicaException(keyAt(segments, chain.offset()),
							"invalid WAL frame: " + problem + " (damaged, or from another database)");
				}
			}
			if (chain.offset() != size) {
				throw new CorruptReplicaException(keyAt(segments, chain.offset()),
						"WAL ends inside a frame: " + (size - chain.offset()) + " stray bytes");
			}
			return chain;
		}
	}

	/**
	 * Refuses an index whose first header shows that WAL lifetimes since the previous
	 * index are in no index.
	 */
	private void checkContinuity(long index, WalHeader header, String key) {
		WalHeader previous = this.previousHeader;
		if (previous == null || index != this.previousIndex + 1) {
			return;
		}
		if (header.equals(previous)) {
			throw new CorruptReplicaException(key,
					("duplicate: WAL index %08x starts with the same WAL header as "
							+ "index %08x (checkpoint sequence %d, salt %08x%08x): one WAL lifetime stored twice")
						.formatted(index, this.previousIndex, Integer.toUnsignedLong(header.checkpointSequence()),
								header.salt1(), header.salt2()));
		}
		OptionalInt restarts = header.restartsSince(previous);
		if (restarts.isPresent() && restarts.getAsInt() >= 2) {
			int missing = restarts.getAsInt() - 1;
			throw new CorruptReplicaException(key,
					("missing: WAL index %08x starts %d WAL restarts after index %08x "
							+ "(salt-1 %08x to %08x): %d WAL lifetime%s between them %s in no " + "index")
						.formatted(index, restarts.getAsInt(), this.previousIndex, previous.salt1(), header.salt1(),
								missing, (missing == 1) ? "" : "s", (missing == 1) ? "is" : "are"));
		}
	}

	private void write(Path wal, FrameChain chain) throws IOException {
		int frameSize = chain.header().frameSize();
		byte[] frame = new byte[frameSize];
		try (InputStream in = new BufferedInputStream(Files.newInputStream(wal), 1 << 20)) {
			in.skipNBytes(WalHeader.SIZE);
			for (long offset = WalHeader.SIZE; offset < chain.lastCommitOffset(); offset += frameSize) {
				in.readNBytes(frame, 0, frameSize);
				long page = WalFrame.pageNumber(frame, 0) & 0xffffffffL;
				ByteBuffer data = ByteBuffer.wrap(frame, WalFrame.HEADER_SIZE, this.pageSize);
				long position = (page - 1) * this.pageSize;
				while (data.hasRemaining()) {
					position += this.database.write(data, position);
				}
			}
		}
		if (chain.lastCommitSize() > 0) {
			long databaseSize = (long) chain.lastCommitSize() * this.pageSize;
			if (this.database.size() > databaseSize) {
				this.database.truncate(databaseSize);
			}
		}
	}

	private static String keyAt(List<Segment> segments, long offset) {
		String key = segments.get(0).key();
		for (Segment segment : segments) {
			if (segment.offset() <= offset) {
				key = segment.key();
			}
		}
		return key;
	}

	/** A segment's key and where its content starts in the index's WAL. */
	record Segment(String key, long offset) {
	}

}
