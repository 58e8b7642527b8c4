package io.github.jlitestream.core.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The 32-byte header of a SQLite WAL file. All fields are big-endian; the magic number
 * says in which byte order the checksums read their words.
 *
 * @param bytes the 32 header bytes, as read
 * @since 0.1.0
 */
public record WalHeader(byte[] bytes) {

	/** Size of the header in bytes. */
	public static final int SIZE = 32;

	static final int MAGIC_LITTLE_ENDIAN = 0x377f0682;

	static final int MAGIC_BIG_ENDIAN = 0x377f0683;

	static final int FORMAT_VERSION = 3007000;

	/**
	 * The most restarts {@link #restartsSince(WalHeader)} accepts as proof of descent. A
	 * WAL created anew draws salt-1 at random, which must not pass for an advance by
	 * chance; between two copies the engine sees at most a few restarts it did not
	 * observe.
	 */
	static final int MAX_PROVABLE_RESTARTS = 16;

	public WalHeader {
		if (bytes.length != SIZE) {
			throw new IllegalArgumentException("A WAL header has 32 bytes, not " + bytes.length);
		}
		bytes = bytes.clone();
	}

	/**
	 * Parses and checks a header: magic, format version, page size and the header's own
	 * checksum.
	 * @param bytes at least 32 bytes, the header at the start
	 * @return the header
	 * @throws InvalidWalException when the bytes are not a valid WAL header
	 */
	public static WalHeader parse(byte[] bytes) {
		if (bytes.length < SIZE) {
			throw new InvalidWalException("WAL header is short: " + bytes.length + " bytes");
		}
		WalHeader header = new WalHeader(Arrays.copyOf(bytes, SIZE));
		int magic = header.intAt(0);
		if (magic != MAGIC_LITTLE_ENDIAN && magic != MAGIC_BIG_ENDIAN) {
			throw new InvalidWalException("not a WAL file: bad magic number 0x%08x".formatted(magic));
		}
		if (header.intAt(4) != FORMAT_VERSION) {
			throw new InvalidWalException("unsupported WAL format version " + header.intAt(4));
		}
		int pageSize = header.pageSize();
		if (!isValidPageSize(pageSize)) {
			throw new InvalidWalException("invalid page size " + pageSize + " in WAL header");
		}
		WalChecksum checksum = WalChecksum.ZERO.update(header.bigEndianChecksums(), header.bytes, 0, 24);
		if (!checksum.equals(header.checksum())) {
			throw new InvalidWalException("WAL header checksum mismatch");
		}
		return header;
	}

	/** Reads and checks the header at the start of a WAL file. */
	public static WalHeader read(FileChannel wal) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(SIZE);
		while (buffer.hasRemaining() && wal.read(buffer, buffer.position()) > 0) {
			// read the whole header
		}
		return parse(Arrays.copyOf(buffer.array(), buffer.position()));
	}

	/** Whether checksums read big-endian words (magic 0x377f0683). */
	public boolean bigEndianChecksums() {
		return intAt(0) == MAGIC_BIG_ENDIAN;
	}

	/** The database page size. */
	public int pageSize() {
		return decodePageSize(intAt(8));
	}

	/**
	 * The page size a page-size field means: the database header stores 65536, which does
	 * not fit its two bytes, as 1, and a WAL header's 1 is read the same way.
	 */
	public static int decodePageSize(int raw) {
		return (raw == 1) ? 65536 : raw;
	}

	/**
	 * Whether {@code pageSize} is one SQLite can use: a power of two from 512 to 65536.
	 */
	public static boolean isValidPageSize(int pageSize) {
		return pageSize >= 512 && pageSize <= 65536 && Integer.bitCount(pageSize) == 1;
	}

	/** The checkpoint sequence number. */
	public int checkpointSequence() {
		return intAt(12);
	}

	/** The first salt, copied into every frame of this WAL lifetime. */
	public int salt1() {
		return intAt(16);
	}

	/** The second salt. */
	public int salt2() {
		return intAt(20);
	}

	/** The header's checksum, which seeds the frames' checksum chain. */
	public WalChecksum checksum() {
		return new WalChecksum(intAt(24), intAt(28));
	}

	/**
	 * How many times SQLite restarted the WAL between {@code earlier} and this header,
	 * when this header provably descends from it. Each restart ({@code walRestartHdr} in
	 * SQLite's {@code wal.c}) adds one to salt-1 and draws a new salt-2, so salt-1
	 * advanced by the count (in unsigned 32-bit arithmetic). The checkpoint sequence
	 * cannot tell: each connection counts its own, so restarts by different connections
	 * may leave it unchanged. A WAL deleted and created anew draws salt-1 at random and
	 * descends from nothing; the bound keeps a random salt from passing for a few
	 * restarts (a chance of 2^-28).
	 * @param earlier the header of an earlier lifetime of the same WAL
	 * @return the number of restarts (1 for the next lifetime, 0 for the same salt-1), or
	 * empty when this header does not descend from {@code earlier}
	 */
	public OptionalInt restartsSince(WalHeader earlier) {
		int salt = salt1() - earlier.salt1();
		if (Integer.compareUnsigned(salt, MAX_PROVABLE_RESTARTS) >= 0 || pageSize() != earlier.pageSize()) {
			return OptionalInt.empty();
		}
		return OptionalInt.of(salt);
	}

	/** The size of one frame: 24 header bytes plus a page. */
	public int frameSize() {
		return WalFrame.HEADER_SIZE + pageSize();
	}

	/** Returns a copy of the header bytes. */
	@Override
	public byte[] bytes() {
		return this.bytes.clone();
	}

	private int intAt(int offset) {
		return ByteBuffer.wrap(this.bytes).getInt(offset);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof WalHeader that) && Arrays.equals(this.bytes, that.bytes);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(this.bytes);
	}

	@Override
	public String toString() {
		return "WalHeader[pageSize=%d, checkpointSequence=%d, salt=%08x%08x]".formatted(pageSize(),
				checkpointSequence(), salt1(), salt2());
	}

}
