package io.github.jlitestream.core.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.layout.ReplicaPaths;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline of a replica's objects: compression (chosen for new objects; for reading,
 * the object name's extension says which), then optional encryption on the compressed
 * bytes, as Litestream layers age over LZ4.
 *
 * @since 0.1.0
 */
public final class ReplicaCodec implements ObjectCodec {

	/** zstd's default level. */
	public static final int DEFAULT_ZSTD_LEVEL = 3;

	private final Compression compression;

	private final int zstdLevel;

	private final @Nullable Encryption encryption;

	private final Lz4FrameCodec lz4 = new Lz4FrameCodec();

	/**
	 * A pipeline that compresses new objects, then encrypts them when keys are given.
	 * @param compression how new objects are compressed
	 * @param zstdLevel the zstd level, 1 to 22
	 * @param encryption the keys, or null for plain objects
	 */
	public ReplicaCodec(Compression compression, int zstdLevel, @Nullable Encryption encryption) {
		if (zstdLevel < 1 || zstdLevel > 22) {
			throw new IllegalArgumentException("zstd level must be 1 to 22, was " + zstdLevel);
		}
		this.compression = compression;
		this.zstdLevel = zstdLevel;
		this.encryption = encryption;
	}

	/** Plain LZ4 objects, as Litestream v0.3 writes them. */
	public static ReplicaCodec litestream() {
		return new ReplicaCodec(Compression.LZ4, DEFAULT_ZSTD_LEVEL, null);
	}

	@Override
	public Compression compression() {
		return this.compression;
	}

	/** Whether objects are encrypted. */
	@Override
	public boolean encrypted() {
		return this.encryption != null;
	}

	@Override
	public OutputStream encode(OutputStream out, String objectKey) throws IOException {
		OutputStream sink = (this.encryption != null) ? this.encryption.encrypt(out, objectKey) : out;
		return switch (compressionOf(objectKey)) {
			case LZ4 -> this.lz4.encode(sink, objectKey);
			case ZSTD -> ZstdCodec.encode(sink, this.zstdLevel);
		};
	}

	@Override
	public InputStream decode(InputStream in, String objectKey) throws IOException {
		InputStream source;
		if (this.encryption != null) {
			source = this.encryption.decrypt(in, objectKey);
		}
		else {
			PushbackInputStream peek = new PushbackInputStream(in, Encryption.HEADER_SIZE);
			byte[] first = peek.readNBytes(4);
			if (Encryption.isEncrypted(first, first.length)) {
				throw new IOException("object is encrypted, but no encryption key is configured for this replica");
			}
			peek.unread(first);
			source = peek;
		}
		return switch (compressionOf(objectKey)) {
			case LZ4 -> this.lz4.decode(source, objectKey);
			case ZSTD -> ZstdCodec.decode(source);
		};
	}

	private static Compression compressionOf(String objectKey) {
		String name = objectKey.substring(objectKey.lastIndexOf('/') + 1);
		return ReplicaPaths.parseCompression(name)
			.orElseThrow(() -> new IllegalArgumentException("not a replica object name: " + objectKey));
	}

}
