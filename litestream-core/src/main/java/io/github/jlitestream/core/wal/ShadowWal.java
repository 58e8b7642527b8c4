package io.github.jlitestream.core.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import io.github.jlitestream.core.util.Failpoints;
import io.github.jlitestream.core.util.LocalFiles;
import org.jspecify.annotations.Nullable;

/**
 * The engine's copy of one WAL lifetime (one WAL index): the header, then only committed,
 * validated frames, byte for byte as SQLite wrote them, so offsets in it equal offsets in
 * the real WAL. It only ever grows to a commit boundary.
 *
 * @since 0.1.0
 */
public final class ShadowWal {

	/** Frames read from the real WAL per read call. */
	private static final int FRAMES_PER_READ = 64;

	private final Path file;

	private final WalHeader header;

	private FrameChain chain;

	/** Reused across copies: a copy runs after every commit, so it must not allocate. */
	private byte @Nullable [] buffer;

	/** The second buffer of the check after each copy, reused too. */
	private byte @Nullable [] verifyBuffer;

	private ShadowWal(Path file, WalHeader header, FrameChain chain) {
		this.file = file;
		this.header = header;
		this.chain = chain;
	}

	/**
	 * Creates a shadow WAL holding only {@code header}, replacing any file at
	 * {@code file}.
	 */
	public static ShadowWal create(Path file, WalHeader header) throws IOException {
		try {
			Files.createDirectories(file.getParent());
			try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				// created, still empty: where a full disk refuses the header
				Failpoints.hitIo(Failpoints.SHADOW_CREATE);
				LocalFiles.writeFully(channel, ByteBuffer.wrap(header.bytes()), 0);
				channel.force(true);
			}
			LocalFiles.forceDirectory(file.getParent());
		}
		catch (IOException ex) {
			// named, as every write of the shadow WAL is: a full disk must say which file
			throw new IOException("cannot create the shadow WAL " + file + ": " + ex.getMessage(), ex);
		}
		return new ShadowWal(file, header, new FrameChain(header));
	}

	/**
	 * Opens an existing shadow WAL, validating every frame; a tail after the last valid
	 * commit (left by a crash mid-copy) is cut off.
	 * @throws InvalidWalException when the file does not even hold a valid header
	 */
	public static ShadowWal open(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			byte[] headerBytes = new byte[WalHeader.SIZE];
			if (read(channel, ByteBuffer.wrap(headerBytes), 0) < WalHeader.SIZE) {
				throw new InvalidWalException("shadow WAL " + file + " is shorter than a WAL header");
			}
			WalHeader header = WalHeader.parse(headerBytes);
			FrameChain chain = new FrameChain(header);
			scan(channel, chain, channel.size());
			if (channel.size() > chain.lastCommitOffset()) {
				channel.truncate(chain.lastCommitOffset());
				channel.force(true);
			}
			return new ShadowWal(file, header, new FrameChain(header, chain.lastCommitOffset(),
					chain.lastCommitChecksum(), chain.lastCommitSize()));
		}
	}

	/** The file holding this shadow WAL. */
	public Path file() {
		return this.file;
	}

	/** The WAL header of this lifetime. */
	public WalHeader header() {
		return this.header;
	}

	/** The size in bytes, always at a commit boundary (or just the header). */
	public long size() {
		return this.chain.offset();
	}

	/**
	 * The database size in pages after the last commit in this shadow; 0 when it holds no
	 * frame.
	 */
	public int lastCommitSize() {
		return this.chain.lastCommitSize();
	}

	/**
	 * Appends the committed frames of the real WAL that follow this shadow's end and
	 * continue its chain.
	 * @param wal the real WAL, open for reading
	 * @return the number of bytes appended
	 */
	public long copyFrom(FileChannel wal) throws IOException {
		FrameChain next = new FrameChain(this.header, this.chain.offset(), this.chain.checksum(),
				this.chain.lastCommitSize());
		long start = next.offset();
		int frameSize = this.header.frameSize();
		byte[] buffer = this.buffer;
		if (buffer == null) {
			buffer = new byte[frameSize * FRAMES_PER_READ];
			this.buffer = buffer;
		}
		long walSize = wal.size();
		try (FileChannel shadow = FileChannel.open(this.file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			boolean broken = false;
			while (!broken && next.offset() + frameSize <= walSize) {
				int frames = (int) Math.min(FRAMES_PER_READ, (walSize - next.offset()) / frameSize);
				ByteBuffer view = ByteBuffer.wrap(buffer, 0, frames * frameSize);
				int got = read(wal, view, next.offset());
				frames = got / frameSize;
				if (frames == 0) {
					break;
				}
				int accepted = 0;
				long chunkStart = next.offset();
				for (; accepted < frames; accepted++) {
					if (next.accept(buffer, accepted * frameSize) != null) {
						// the rest belongs to an older lifetime or is being written
						broken = true;
						break;
					}
				}
				try {
					Failpoints.hitIo(Failpoints.SHADOW_WRITE);
					LocalFiles.writeFully(shadow, ByteBuffer.wrap(buffer, 0, accepted * frameSize), chunkStart);
				}
				catch (IOException ex) {
					// What this copy wrote is not committed to the shadow WAL: giving it
					// back
					// lets a disk that refused it measure the space that is really free.
					try {
						shadow.truncate(start);
					}
					catch (IOException truncation) {
						ex.addSuppressed(truncation);
					}
					// "No space left on device" alone does not say which disk is full
					throw new IOException("cannot write the shadow WAL " + this.file + ": " + ex.getMessage(), ex);
				}
			}
			long end = next.lastCommitOffset();
			if (end > start && !unchangedSinceCopied(wal, shadow, start, end)) {
				// SQLite rewrote frames of the transaction in place while they were read:
				// its commit frame may have been read before its checksums were
				// rewritten, over pages read before they changed. Copied again next time,
				// when the transaction is complete.
				shadow.truncate(start);
				return 0;
			}
			if (shadow.size() > end) {
				// frames of a transaction that has not committed yet
				shadow.truncate(end);
			}
			if (end > start) {
				shadow.force(false);
			}
		}
		this.chain = new FrameChain(this.header, next.lastCommitOffset(), next.lastCommitChecksum(),
				next.lastCommitSize());
		return this.chain.offset() - start;
	}

	/**
	 * Whether the real WAL still holds, byte for byte, the frames just copied into the
	 * shadow WAL. A copy reads without SQLite's locks; committed frames never change
	 * under the engine's read mark, but a transaction that spilled pages into the WAL
	 * before it committed rewrites them in place, appends its commit frame with checksums
	 * over the old pages and only then rewrites the checksums (sqlite3WalFrames,
	 * walRewriteChecksums). A copy that read a page before its rewrite and the commit
	 * frame before the checksums' rewrite sees a valid chain over a state that never
	 * existed; reading the range again after the commit frame was read shows the change.
	 */
	private boolean unchangedSinceCopied(FileChannel wal, FileChannel shadow, long start, long end) throws IOException {
		byte[] walBytes = this.buffer;
		byte[] copied = this.verifyBuffer;
		if (copied == null) {
			copied = new byte[walBytes.length];
			this.verifyBuffer = copied;
		}
		for (long at = start; at < end; at += walBytes.length) {
			int length = (int) Math.min(walBytes.length, end - at);
			if (read(wal, ByteBuffer.wrap(walBytes, 0, length), at) < length
					|| read(shadow, ByteBuffer.wrap(copied, 0, length), at) < length
					|| !Arrays.equals(walBytes, 0, length, copied, 0, length)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether the real WAL still holds this shadow's last frame at the same place: same
	 * salts and same cumulative checksum, which covers every byte of every frame before
	 * it. No frame yet: true (only the header can be compared).
	 */
	public boolean lastFrameMatches(FileChannel wal) throws IOException {
		int frameSize = this.header.frameSize();
		if (size() < WalHeader.SIZE + frameSize) {
			return true;
		}
		byte[] frameHeader = new byte[WalFrame.HEADER_SIZE];
		if (read(wal, ByteBuffer.wrap(frameHeader), size() - frameSize) < WalFrame.HEADER_SIZE) {
			return false;
		}
		return WalFrame.salt1(frameHeader, 0) == this.header.salt1()
				&& WalFrame.salt2(frameHeader, 0) == this.header.salt2()
				&& WalFrame.checksum(frameHeader, 0).equals(this.chain.checksum());
	}

	private static void scan(FileChannel channel, FrameChain chain, long size) throws IOException {
		int frameSize = chain.header().frameSize();
		byte[] frame = new byte[frameSize];
		while (chain.offset() + frameSize <= size) {
			if (read(channel, ByteBuffer.wrap(frame), chain.offset()) < frameSize || chain.accept(frame, 0) != null) {
				return;
			}
		}
	}

	/**
	 * Reads until the buffer is full or the end of the file, returning the bytes read.
	 */
	static int read(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
		int total = 0;
		while (buffer.hasRemaining()) {
			int n = channel.read(buffer, position + total);
			if (n < 0) {
				break;
			}
			total += n;
		}
		return total;
	}

}
