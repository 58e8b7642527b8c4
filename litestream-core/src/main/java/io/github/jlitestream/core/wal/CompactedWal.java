package io.github.jlitestream.core.wal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * One WAL index reduced to the final version of each page it changed: a valid WAL of one
 * transaction that ends on a commit with the index's final database size, so that
 * applying it (by this project, by Litestream v0.3.13, by SQLite) gives exactly the state
 * at the index's end. It keeps the index's salts, so the next index still descends from
 * it, and it carries {@link #MARKER} as its checkpoint sequence: a restore that finds the
 * index's older segments still listed beside it (their deletion waits for restores that
 * listed them) knows from the header alone that this object holds the whole index. SQLite
 * restarts a WAL about once a checkpoint, so a WAL it wrote would need over a billion
 * restarts to carry that sequence by chance.
 *
 * @since 0.1.0
 */
public final class CompactedWal {

	/** The checkpoint sequence of a compacted WAL: "cmpt". */
	public static final int MARKER = 0x636d7074;

	private CompactedWal() {
	}

	/** Whether {@code header} is a compacted WAL's. */
	public static boolean isCompacted(WalHeader header) {
		return header.checkpointSequence() == MARKER;
	}

	/**
	 * Whether {@code wal} starts with a compacted WAL's header; false when it does not
	 * even start with a valid header (whoever applies it names what is wrong).
	 */
	public static boolean isCompacted(byte[] wal) {
		if (wal.length < WalHeader.SIZE) {
			return false;
		}
		try {
			return isCompacted(WalHeader.parse(wal));
		}
		catch (InvalidWalException ex) {
			return false;
		}
	}

	/** As {@link #isCompacted(byte[])}, for a WAL read from {@code in} (header only). */
	public static boolean isCompacted(InputStream in) throws IOException {
		return isCompacted(in.readNBytes(WalHeader.SIZE));
	}

	/**
	 * Writes the compacted form of {@code wal} (a whole WAL index whose frames chain and
	 * end on a commit) to {@code out}.
	 * @return what the compaction kept
	 * @throws InvalidWalException when {@code wal} is not such a WAL
	 */
	public static Result compact(Path wal, Path out) throws IOException {
		WalHeader header;
		Map<Integer, Long> lastVersion = new TreeMap<>();
		int finalSize;
		long frames = 0;
		try (InputStream in = new BufferedInputStream(Files.newInputStream(wal), 1 << 20)) {
			header = WalHeader.parse(in.readNBytes(WalHeader.SIZE));
			FrameChain chain = new FrameChain(header);
			Map<Integer, Long> pending = new TreeMap<>();
			byte[] frame = new byte[header.frameSize()];
			while (in.readNBytes(frame, 0, frame.length) == frame.length) {
				long offset = chain.offset();
				String problem = chain.accept(frame, 0);
				if (problem != null) {
					throw new InvalidWalException("cannot compact: " + problem);
				}
				frames++;
				pending.put(WalFrame.pageNumber(frame, 0), offset);
				if (WalFrame.commitSize(frame, 0) != 0) {
					lastVersion.putAll(pending);
					pending.clear();
				}
			}
			if (chain.lastCommitSize() == 0 || !pending.isEmpty() || chain.offset() != Files.size(wal)) {
				throw new InvalidWalException("cannot compact: the WAL does not end on a commit");
			}
			finalSize = chain.lastCommitSize();
		}
		// Pages beyond the final size were truncated away by the index's last commits.
		lastVersion.keySet().removeIf((page) -> Integer.toUnsignedLong(page) > Integer.toUnsignedLong(finalSize));
		if (lastVersion.isEmpty()) {
			throw new InvalidWalException("cannot compact: the WAL changes no page within its final size");
		}
		byte[] headerBytes = header.bytes();
		ByteBuffer.wrap(headerBytes).putInt(12, MARKER);
		boolean bigEndian = header.bigEndianChecksums();
		WalChecksum headerChecksum = WalChecksum.ZERO.update(bigEndian, headerBytes, 0, 24);
		ByteBuffer.wrap(headerBytes).putInt(24, headerChecksum.s0()).putInt(28, headerChecksum.s1());
		WalHeader compactedHeader = WalHeader.parse(headerBytes);
		try (FileChannel source = FileChannel.open(wal, StandardOpenOption.READ);
				OutputStream target = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
			target.write(compactedHeader.bytes());
			WalChecksum checksum = compactedHeader.checksum();
			byte[] frame = new byte[header.frameSize()];
			int remaining = lastVersion.size();
			for (Map.Entry<Integer, Long> page : lastVersion.entrySet()) {
				ByteBuffer buffer = ByteBuffer.wrap(frame);
				while (buffer.hasRemaining()) {
					if (source.read(buffer, page.getValue() + buffer.position()) < 0) {
						throw new InvalidWalException("cannot compact: the WAL shrank while read");
					}
				}
				ByteBuffer fields = ByteBuffer.wrap(frame);
				fields.putInt(4, (--remaining == 0) ? finalSize : 0);
				checksum = checksum.update(bigEndian, frame, 0, 8)
					.update(bigEndian, frame, WalFrame.HEADER_SIZE, header.pageSize());
				fields.putInt(16, checksum.s0()).putInt(20, checksum.s1());
				target.write(frame);
			}
		}
		return new Result(frames, lastVersion.size(), finalSize);
	}

	/**
	 * What a compaction kept.
	 *
	 * @param framesBefore the frames of the index
	 * @param pages the frames kept: one per page changed within the final size
	 * @param databaseSize the database size in pages at the index's end
	 */
	public record Result(long framesBefore, int pages, int databaseSize) {
	}

}
