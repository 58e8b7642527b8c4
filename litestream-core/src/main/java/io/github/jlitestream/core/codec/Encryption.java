package io.github.jlitestream.core.codec;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;

/**
 * Client-side encryption of replica objects: AES-256-GCM in Tink's streaming construction
 * (AES256_GCM_HKDF_1MB: a per-object random salt, keys derived with HKDF-SHA256, 1 MiB
 * segments each sealed with its own nonce, the last one marked), so memory stays bounded
 * for any object size and truncation, reordering or splicing fail to decrypt. Each object
 * starts with a small header: the magic {@code LSJE}, a format version, the scheme and
 * the id of the key that sealed it, so keys can be rotated. The header and the object's
 * key (its name in the replica) are the associated data: an object moved or copied under
 * another name does not decrypt.
 *
 * @since 0.1.0
 */
public final class Encryption {

	/** Bytes of the header before the ciphertext. */
	static final int HEADER_SIZE = 10;

	private static final byte[] MAGIC = { 'L', 'S', 'J', 'E' };

	private static final byte VERSION = 1;

	private static final byte SCHEME_AES256_GCM_HKDF_1MB = 1;

	private final Key primary;

	private final Map<String, Key> keys = new LinkedHashMap<>();

	/**
	 * Encryption with a primary key and, for reading, older ones.
	 * @param primary the key that seals new objects (32 bytes)
	 * @param others older keys, for objects sealed before a rotation
	 */
	public Encryption(byte[] primary, List<byte[]> others) {
		this.primary = Key.of(primary);
		this.keys.put(this.primary.id(), this.primary);
		for (byte[] other : others) {
			Key key = Key.of(other);
			this.keys.putIfAbsent(key.id(), key);
		}
	}

	/**
	 * Decodes a base64 key of 32 bytes, naming {@code source} (a property, never the
	 * value) in errors.
	 */
	public static byte[] decodeKey(String base64, String source) {
		byte[] key;
		try {
			key = Base64.getDecoder().decode(base64.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(source + " is not valid base64");
		}
		if (key.length != 32) {
			throw new IllegalArgumentException(source + " must be 32 bytes (base64 of 32 random bytes, e.g. `openssl "
					+ "rand -base64 32`), not " + key.length);
		}
		return key;
	}

	/** The id of the primary key, shown in errors and logs instead of the key. */
	public String primaryKeyId() {
		return this.primary.id();
	}

	/**
	 * Whether {@code first} (an object's first bytes) is the start of an encrypted
	 * object.
	 */
	public static boolean isEncrypted(byte[] first, int length) {
		return length >= MAGIC.length && Arrays.equals(Arrays.copyOf(first, MAGIC.length), MAGIC);
	}

	OutputStream encrypt(OutputStream out, String objectKey) throws IOException {
		byte[] header = header(this.primary.id());
		out.write(header);
		try {
			return this.primary.aead().newEncryptingStream(out, associatedData(header, objectKey));
		}
		catch (GeneralSecurityException ex) {
			throw new IOException("cannot encrypt " + objectKey + ": " + ex.getMessage(), ex);
		}
	}

	InputStream decrypt(InputStream in, String objectKey) throws IOException {
		byte[] header = new byte[HEADER_SIZE];
		try {
			new DataInputStream(in).readFully(header);
		}
		catch (EOFException ex) {
			throw new IOException("encrypted object is shorter than its header");
		}
		if (!isEncrypted(header, header.length)) {
			throw new IOException("object is not encrypted, but encryption is configured for this replica");
		}
		if (header[4] != VERSION || header[5] != SCHEME_AES256_GCM_HKDF_1MB) {
			throw new IOException("unknown encryption format version " + header[4] + " scheme " + header[5]);
		}
		String id = HexFormat.of().formatHex(header, 6, 10);
		Key key = this.keys.get(id);
		if (key == null) {
			throw new IOException("encrypted with key id " + id + ", which is not among the configured keys "
					+ this.keys.keySet() + ": add that key to the replica's encryption keys");
		}
		try {
			return new AuthenticationFailureTranslator(
					key.aead().newDecryptingStream(in, associatedData(header, objectKey)));
		}
		catch (GeneralSecurityException ex) {
			throw new IOException("cannot decrypt: " + ex.getMessage(), ex);
		}
	}

	private static byte[] header(String keyId) {
		ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
		header.put(MAGIC).put(VERSION).put(SCHEME_AES256_GCM_HKDF_1MB).put(HexFormat.of().parseHex(keyId));
		return header.array();
	}

	private static byte[] associatedData(byte[] header, String objectKey) {
		byte[] name = objectKey.getBytes(StandardCharsets.UTF_8);
		byte[] data = Arrays.copyOf(header, header.length + name.length);
		System.arraycopy(name, 0, data, header.length, name.length);
		return data;
	}

	private record Key(String id, StreamingAead aead) {

		static Key of(byte[] material) {
			if (material.length != 32) {
				throw new IllegalArgumentException("An encryption key has 32 bytes, not " + material.length);
			}
			try {
				MessageDigest sha = MessageDigest.getInstance("SHA-256");
				sha.update("litestream-java key id".getBytes(StandardCharsets.UTF_8));
				String id = HexFormat.of().formatHex(sha.digest(material), 0, 4);
				return new Key(id, new AesGcmHkdfStreaming(material, "HmacSha256", 32, 1 << 20, 0));
			}
			catch (GeneralSecurityException ex) {
				throw new IllegalStateException("AES-256-GCM is not available: " + ex.getMessage(), ex);
			}
		}

	}

	/** Turns Tink's authentication errors into a message that says what they mean. */
	private static final class AuthenticationFailureTranslator extends FilterInputStream {

		AuthenticationFailureTranslator(InputStream in) {
			super(in);
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) == -1) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			try {
				return this.in.read(b, off, len);
			}
			catch (IOException ex) {
				throw new IOException("decryption failed (" + ex.getMessage() + "): the object was altered, truncated, "
						+ "reordered, or moved from another name", ex);
			}
		}

	}

}
