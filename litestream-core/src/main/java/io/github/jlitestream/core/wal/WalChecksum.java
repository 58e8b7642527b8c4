package io.github.jlitestream.core.wal;

/**
 * SQLite's cumulative WAL checksum: two 32-bit words, carried from the header through every frame.
 *
 * @param s0 first word
 * @param s1 second word
 * @since 0.1.0
 */
public record WalChecksum(int s0, int s1) {

	/** The seed of the header checksum. */
	public static final WalChecksum ZERO = new WalChecksum(0, 0);

	/**
	 * Continues the checksum over {@code length} bytes (a multiple of 8) of {@code data}.
	 * @param bigEndian whether words are read big-endian
	 * @param data the bytes
	 * @param offset where to start
	 * @param length how many bytes, a multiple of 8
	 * @return the new checksum
	 */
	public WalChecksum update(boolean bigEndian, byte[] data, int offset, int length) {
		if ((length & 7) != 0) {
			throw new IllegalArgumentException("WAL checksums run over multiples of 8 bytes, not " + length);
		}
		int a = this.s0;
		int b = this.s1;
		int end = offset + length;
		if (bigEndian) {
			for (int i = offset; i < end; i += 8) {
				a += bigEndianInt(data, i) + b;
				b += bigEndianInt(data, i + 4) + a;
			}
		}
		else {
			for (int i = offset; i < end; i += 8) {
				a += littleEndianInt(data, i) + b;
				b += littleEndianInt(data, i + 4) + a;
			}
		}
		return new WalChecksum(a, b);
	}

	private static int bigEndianInt(byte[] b, int i) {
		return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
	}

	private static int littleEndianInt(byte[] b, int i) {
		return (b[i] & 0xff) | ((b[i + 1] & 0xff) << 8) | ((b[i + 2] & 0xff) << 16) | ((b[i + 3] & 0xff) << 24);
	}

	@Override
	public String toString() {
		return "%08x%08x".formatted(this.s0, this.s1);
	}

}
