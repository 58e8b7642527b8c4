package io.github.jlitestream.core.wal;

import java.nio.ByteBuffer;

/**
 * Reads the 24-byte header of a WAL frame held in a buffer.
 *
 * @since 0.1.0
 */
public final class WalFrame {

	/** Size of a frame header in bytes. */
	public static final int HEADER_SIZE = 24;

	private WalFrame() {
	}

	/** The page number the frame holds. */
	public static int pageNumber(byte[] frame, int offset) {
		return ByteBuffer.wrap(frame).getInt(offset);
	}

	/**
	 * For a commit frame, the database size in pages after the commit; 0 for other
	 * frames.
	 */
	public static int commitSize(byte[] frame, int offset) {
		return ByteBuffer.wrap(frame).getInt(offset + 4);
	}

	static int salt1(byte[] frame, int offset) {
		return ByteBuffer.wrap(frame).getInt(offset + 8);
	}

	static int salt2(byte[] frame, int offset) {
		return ByteBuffer.wrap(frame).getInt(offset + 12);
	}

	static WalChecksum checksum(byte[] frame, int offset) {
		ByteBuffer buffer = ByteBuffer.wrap(frame);
		return new WalChecksum(buffer.getInt(offset + 16), buffer.getInt(offset + 20));
	}

}
