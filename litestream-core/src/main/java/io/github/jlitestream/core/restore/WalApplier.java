package io.github.jlitestream.core.restore;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.wal.FrameChain;
import io.github.jlitestream.core.wal.InvalidWalException;
import io.github.jlitestream.core.wal.WalFrame;
import io.github.jlitestream.core.wal.WalHeader;
import org.jspecify.annotations.Nullable;

/**
 * Applies one WAL index, assembled from its segments, to the database being restored. It first checks the whole
 * index (header, salts, checksum chain, whole frames, ending on a commit), naming the segment where a check fails,
 * and only then writes the committed pages. SQLite's own recovery would silently stop at the first bad frame.
 */
final class WalApplier {

	private final FileChannel database;

	private int pageSize;

	/** @param pageSize the snapshot's page size, or 0 when the snapshot was empty */
	WalApplier(FileChannel database, int pageSize) {
		this.database = database;
		this.pageSize = pageSize;
	}

	/**
	 * @param wal the index's WAL: its segments' decoded content, concatenated
	 * @param segments the segments' keys and start offsets in the file, in order
	 * @param allowUncommittedTail whether the WAL may end inside a transaction (the restore target cut it)
	 */
	void apply(Path wal, List<Segment> segments, boolean allowUncommittedTail) throws IOException {
		long size = Files.size(wal);
		FrameChain chain = verify(wal, size, segments);
		if (chain == null) {
			return;
		}
		if (chain.lastCommitOffset() < chain.offset() && !allowUncommittedTail) {
			throw new CorruptReplicaException(keyAt(segments, chain.lastCommitOffset()),
					"WAL ends with %d frame(s) of a transaction that never commits (truncated, or frames appended)"
						.formatted((chain.offset() - chain.lastCommitOffset()) / chain.header().frameSize()));
		}
		write(wal, chain);
	}

	private @Nullable FrameChain verify(Path wal, long size, List<Segment> segments) throws IOException {
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
