package io.github.jlitestream.core.wal;

import org.jspecify.annotations.Nullable;

/**
 * Follows the frames of one WAL lifetime after its header, checking that each frame
 * carries the header's salts and continues the checksum chain. Both the shadow WAL copier
 * and restore use it, so what the engine ships and what restore accepts are judged by one
 * rule.
 *
 * @since 0.1.0
 */
public final class FrameChain {

	private final WalHeader header;

	private WalChecksum checksum;

	private long offset = WalHeader.SIZE;

	private long lastCommitOffset = WalHeader.SIZE;

	private int lastCommitSize;

	private WalChecksum lastCommitChecksum;

	/** Starts a chain at the end of {@code header}. */
	public FrameChain(WalHeader header) {
		this.header = header;
		this.checksum = header.checksum();
		this.lastCommitChecksum = this.checksum;
	}

	/**
	 * Resumes a chain at {@code offset}, where the frame that ends there has checksum
	 * {@code checksum}.
	 */
	public FrameChain(WalHeader header, long offset, WalChecksum checksum, int lastCommitSize) {
		this.header = header;
		this.checksum = checksum;
		this.offset = offset;
		this.lastCommitOffset = offset;
		this.lastCommitSize = lastCommitSize;
		this.lastCommitChecksum = checksum;
	}

	/** The header of this WAL lifetime. */
	public WalHeader header() {
		return this.header;
	}

	/**
	 * Checks the next frame and, when it is valid, moves past it.
	 * @param frame a buffer holding the frame at {@code at}
	 * @param at where the frame starts in {@code frame}
	 * @return the problem with the frame, or {@code null} when it continues the chain
	 */
	public @Nullable String accept(byte[] frame, int at) {
		if (WalFrame.salt1(frame, at) != this.header.salt1() || WalFrame.salt2(frame, at) != this.header.salt2()) {
			return "salt mismatch at WAL offset " + this.offset;
		}
		boolean bigEndian = this.header.bigEndianChecksums();
		WalChecksum next = this.checksum.update(bigEndian, frame, at, 8)
			.update(bigEndian, frame, at + WalFrame.HEADER_SIZE, this.header.pageSize());
		if (!next.equals(WalFrame.checksum(frame, at))) {
			return "checksum mismatch at WAL offset " + this.offset;
		}
		this.checksum = next;
		this.offset += this.header.frameSize();
		int commitSize = WalFrame.commitSize(frame, at);
		if (commitSize != 0) {
			this.lastCommitOffset = this.offset;
			this.lastCommitSize = commitSize;
			this.lastCommitChecksum = next;
		}
		return null;
	}

	/** The offset just past the last accepted frame. */
	public long offset() {
		return this.offset;
	}

	/** The offset just past the last accepted commit frame. */
	public long lastCommitOffset() {
		return this.lastCommitOffset;
	}

	/** The database size in pages after the last accepted commit; 0 if none was seen. */
	public int lastCommitSize() {
		return this.lastCommitSize;
	}

	/**
	 * The checksum of the last accepted commit frame (the header's when none was seen).
	 */
	public WalChecksum lastCommitChecksum() {
		return this.lastCommitChecksum;
	}

	/** The checksum of the last accepted frame. */
	public WalChecksum checksum() {
		return this.checksum;
	}

}
