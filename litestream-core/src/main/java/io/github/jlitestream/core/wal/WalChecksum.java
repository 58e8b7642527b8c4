package io.github.jlitestream.core.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SQLite's cumulative WAL checksum: two 32-bit words, carried from the header through
 * every frame.
 *
 * @param s0 first word
 * @param s1 second word
 * @since 0.1.0
 */
public record WalChecksum(int s0, int s1) {

	// Word loads through array views compile to single loads: the checksum of every
	// copied byte ran twice as fast as with bytes assembled by shifts, and it is the
	// monitor thread's main work under a stream of commits.
	private static final VarHandle BIG_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
			ByteOrder.BIG_ENDIAN);

	private static final VarHandle LITTLE_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
			ByteOrder.LITTLE_ENDIAN);

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
				a += (int) BIG_ENDIAN_INT.get(data, i) + b;
				b += (int) BIG_ENDIAN_INT.get(data, i + 4) + a;
			}
		}
		else {
			for (int i = offset; i < end; i += 8) {
				a += (int) LITTLE_ENDIAN_INT.get(data, i) + b;
				b += (int) LITTLE_ENDIAN_INT.get(data, i + 4) + a;
			}
		}
		return new WalChecksum(a, b);
	}

	@Override
	public String toString() {
		return "%08x%08x".formatted(this.s0, this.s1);
	}

}
