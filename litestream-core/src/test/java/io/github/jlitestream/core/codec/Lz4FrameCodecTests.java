package io.github.jlitestream.core.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;

import net.jpountz.lz4.LZ4FrameInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Lz4FrameCodec}: Litestream's frame header, readable by lz4-java's own
 * frame reader, for every size and kind of content.
 */
class Lz4FrameCodecTests {

	private final Lz4FrameCodec codec = new Lz4FrameCodec();

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 4120, 4 * 1024 * 1024, 4 * 1024 * 1024 + 1, 9 * 1024 * 1024 + 7 })
	void roundTripsCompressibleAndIncompressibleContent(int size) throws IOException {
		byte[] random = new byte[size];
		new Random(size).nextBytes(random);
		byte[] text = new byte[size];
		for (int i = 0; i < size; i++) {
			text[i] = (byte) ("SQLite page content ".charAt(i % 20));
		}
		for (byte[] content : new byte[][] { random, text }) {
			byte[] encoded = encode(content);
			assertThat(Arrays.copyOf(encoded, 7)).containsExactly(0x04, 0x22, 0x4D, 0x18, 0x64, 0x70, 0xB9);
			try (InputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(encoded))) {
				assertThat(in.readAllBytes()).isEqualTo(content);
			}
			try (InputStream in = this.codec.decode(new ByteArrayInputStream(encoded), "k")) {
				assertThat(in.readAllBytes()).isEqualTo(content);
			}
		}
	}

	private byte[] encode(byte[] content) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (OutputStream out = this.codec.encode(bytes, "k")) {
			// in pieces, as streams write
			for (int off = 0; off < content.length; off += 100_000) {
				out.write(content, off, Math.min(100_000, content.length - off));
			}
		}
		return bytes.toByteArray();
	}

}
