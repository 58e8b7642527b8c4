package io.github.jlitestream.core.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Writes one LZ4 frame with exactly the header Litestream v0.3.13 writes
 * ({@code 04 22 4D 18 64 70 B9}: independent blocks of at most 4 MiB, content checksum,
 * no block checksum, no content size), using lz4-java's block compressor and XXH32.
 * Unlike lz4-java's {@code LZ4FrameOutputStream}, which allocates 8 MiB of buffers per
 * frame whatever its size, it writes blocks of 256 KiB (the header's maximum is an upper
 * bound, any smaller block is valid) through buffers that the thread keeps for its next
 * frame: an upload every few milliseconds must not churn the heap, and LZ4 looks back
 * only 64 KiB, so smaller blocks cost little ratio.
 */
final class Lz4FrameWriter extends OutputStream {

	static final byte[] HEADER = { 0x04, 0x22, 0x4D, 0x18, 0x64, 0x70, (byte) 0xB9 };

	private static final int BLOCK_SIZE = 256 * 1024;

	private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();

	private static final XXHashFactory XXHASH = XXHashFactory.fastestInstance();

	private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

	private final OutputStream out;

	private final StreamingXXHash32 checksum = XXHASH.newStreamingHash32(0);

	private final Buffers buffers;

	private int pending;

	private boolean closed;

	Lz4FrameWriter(OutputStream out) throws IOException {
		Buffers cached = BUFFERS.get();
		// A second frame open on the same thread gets buffers of its own.
		this.buffers = cached.inUse ? new Buffers() : cached;
		this.buffers.inUse = true;
		this.out = out;
		out.write(HEADER);
	}

	@Override
	public void write(int b) throws IOException {
		write(new byte[] { (byte) b }, 0, 1);
	}

	@Override
	public void write(byte[] b, int off, int len) throws IOException {
		while (len > 0) {
			int n = Math.min(len, BLOCK_SIZE - this.pending);
			this.buffers.ensureInput(this.pending + n);
			System.arraycopy(b, off, this.buffers.input, this.pending, n);
			this.pending += n;
			off += n;
			len -= n;
			if (this.pending == BLOCK_SIZE) {
				writeBlock();
			}
		}
	}

	private void writeBlock() throws IOException {
		if (this.pending == 0) {
			return;
		}
		byte[] input = this.buffers.input;
		this.checksum.update(input, 0, this.pending);
		this.buffers.ensureCompressed(COMPRESSOR.maxCompressedLength(this.pending));
		int compressed = COMPRESSOR.compress(input, 0, this.pending, this.buffers.compressed, 0,
				this.buffers.compressed.length);
		if (compressed >= this.pending) {
			writeIntLE(this.pending | 0x80000000);
			this.out.write(input, 0, this.pending);
		}
		else {
			writeIntLE(compressed);
			this.out.write(this.buffers.compressed, 0, compressed);
		}
		this.pending = 0;
	}

	private void writeIntLE(int value) throws IOException {
		this.out.write(value & 0xff);
		this.out.write((value >>> 8) & 0xff);
		this.out.write((value >>> 16) & 0xff);
		this.out.write((value >>> 24) & 0xff);
	}

	@Override
	public void close() throws IOException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			writeBlock();
			writeIntLE(0); // end mark
			writeIntLE(this.checksum.getValue());
		}
		finally {
			this.checksum.close();
			this.buffers.release();
			this.out.close();
		}
	}

	/**
	 * A thread's buffers: they grow with the content up to one block each, and stay with
	 * the thread.
	 */
	private static final class Buffers {

		byte[] input = new byte[0];

		byte[] compressed = new byte[0];

		boolean inUse;

		void ensureInput(int size) {
			if (this.input.length < size) {
				this.input = Arrays.copyOf(this.input, Math.min(BLOCK_SIZE, Math.max(size, this.input.length * 2)));
			}
		}

		void ensureCompressed(int size) {
			if (this.compressed.length < size) {
				this.compressed = new byte[size];
			}
		}

		void release() {
			this.inUse = false;
		}

	}

}
