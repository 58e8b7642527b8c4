package io.github.jlitestream.core.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

/**
 * zstd frames with a content checksum, at a chosen level. Restore still verifies the WAL
 * chain and segment contiguity, so data appended after a frame is caught there.
 *
 * @since 0.1.0
 */
final class ZstdCodec {

	private ZstdCodec() {
	}

	static OutputStream encode(OutputStream out, int level) throws IOException {
		ZstdOutputStream zstd = new ZstdOutputStream(out, level);
		zstd.setChecksum(true);
		return zstd;
	}

	static InputStream decode(InputStream in) throws IOException {
		return new ZstdInputStream(in);
	}

}
