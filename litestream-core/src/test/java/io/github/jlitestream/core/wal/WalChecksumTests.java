package io.github.jlitestream.core.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The checksum against SQLite's definition written out word by word, in both byte orders
 * (SQLite on this machine writes little-endian WALs only, so the big-endian path is
 * checked here), at offsets that are not word-aligned.
 */
class WalChecksumTests {

	@Test
	void matchesTheDefinitionInBothByteOrdersAtAnyOffset() {
		SplittableRandom random = new SplittableRandom(7);
		for (int round = 0; round < 200; round++) {
			byte[] data = new byte[24 + 4096 + 16];
			random.nextBytes(data);
			int offset = random.nextInt(16);
			int length = 8 * random.nextInt(1 + (data.length - offset) / 8);
			WalChecksum seed = new WalChecksum(random.nextInt(), random.nextInt());
			for (boolean bigEndian : new boolean[] { true, false }) {
				assertThat(seed.update(bigEndian, data, offset, length))
					.isEqualTo(definition(seed, bigEndian, data, offset, length));
			}
		}
	}

	@Test
	void continuesAcrossCalls() {
		byte[] data = new byte[4096];
		new SplittableRandom(3).nextBytes(data);
		WalChecksum whole = WalChecksum.ZERO.update(false, data, 0, data.length);
		WalChecksum split = WalChecksum.ZERO.update(false, data, 0, 1024).update(false, data, 1024, 3072);
		assertThat(split).isEqualTo(whole);
	}

	@Test
	void rejectsLengthsThatAreNotWholeWordPairs() {
		assertThatIllegalArgumentException().isThrownBy(() -> WalChecksum.ZERO.update(false, new byte[16], 0, 12))
			.withMessageContaining("multiples of 8");
	}

	/**
	 * SQLite's walChecksumBytes: s0 += x[i] + s1; s1 += x[i+1] + s0, over 32-bit words.
	 */
	private static WalChecksum definition(WalChecksum seed, boolean bigEndian, byte[] data, int offset, int length) {
		ByteBuffer words = ByteBuffer.wrap(data, offset, length)
			.order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
		long s0 = seed.s0() & 0xffffffffL;
		long s1 = seed.s1() & 0xffffffffL;
		while (words.remaining() >= 8) {
			s0 = (s0 + (words.getInt() & 0xffffffffL) + s1) & 0xffffffffL;
			s1 = (s1 + (words.getInt() & 0xffffffffL) + s0) & 0xffffffffL;
		}
		return new WalChecksum((int) s0, (int) s1);
	}

}
