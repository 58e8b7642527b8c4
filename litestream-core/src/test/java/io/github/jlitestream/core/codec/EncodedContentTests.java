package io.github.jlitestream.core.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Random;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.ObjectContent;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An object encoded while it is read has, at every read, the length measured and the
 * bytes a spooled encoding has: what a snapshot on a full local disk uploads.
 */
class EncodedContentTests {

	@ParameterizedTest
	@ValueSource(strings = { "lz4", "zstd", "lz4-encrypted", "zstd-encrypted" })
	void everyReadHasTheMeasuredLengthAndDecodesToTheSource(String kind) throws IOException {
		Compression compression = kind.startsWith("zstd") ? Compression.ZSTD : Compression.LZ4;
		Encryption encryption = kind.endsWith("encrypted") ? new Encryption(new byte[32], List.of()) : null;
		ReplicaCodec codec = new ReplicaCodec(compression, 3, encryption);
		String key = "generations/0123456789abcdef/snapshots/00000000.snapshot." + compression.extension();
		byte[] source = source(9 * 1024 * 1024 + 123);
		EncodedContent content = EncodedContent.measure(codec, key, ObjectContent.of(source));

		byte[] first = readSmallChunks(content);
		byte[] second = content.open().readAllBytes();
		assertThat(first).hasSize((int) content.length());
		assertThat(second).hasSize((int) content.length());
		try (InputStream decoded = codec.decode(new ByteArrayInputStream(first), key)) {
			assertThat(decoded.readAllBytes()).isEqualTo(source);
		}
		if (encryption == null) {
			ByteArrayOutputStream spooled = new ByteArrayOutputStream();
			try (OutputStream out = codec.encode(spooled, key)) {
				out.write(source);
			}
			assertThat(first).isEqualTo(spooled.toByteArray());
		}
	}

	/** Half compressible, half random: both kinds of LZ4 and zstd blocks. */
	private static byte[] source(int size) {
		byte[] bytes = new byte[size];
		new Random(42).nextBytes(bytes);
		for (int i = 0; i < size / 2; i++) {
			bytes[i] = (byte) (i % 251);
		}
		return bytes;
	}

	/** Reads with odd, small requests and single bytes, as an HTTP client may. */
	private static byte[] readSmallChunks(ObjectContent content) throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		try (InputStream in = content.open()) {
			byte[] buffer = new byte[1000];
			int b = in.read();
			while (b >= 0) {
				all.write(b);
				int n = in.read(buffer, 0, 1 + all.size() % 997);
				if (n > 0) {
					all.write(buffer, 0, n);
				}
				b = in.read();
			}
		}
		return all.toByteArray();
	}

}
