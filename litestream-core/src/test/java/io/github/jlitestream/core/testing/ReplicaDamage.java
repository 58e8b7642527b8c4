package io.github.jlitestream.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.support.Harness;

/**
 * The kinds of damage the restore tests inject into a file replica's LZ4 objects, shared
 * by the restore's and the command line's tests.
 */
public final class ReplicaDamage {

	private static final int FRAME_SIZE = 24 + 4096;

	private ReplicaDamage() {
	}

	/**
	 * Writes ten rows in two WAL indexes, syncing after each: index 1 holds six segments,
	 * index 2 four.
	 */
	public static void writeTwoIndexes(Harness harness) throws Exception {
		harness.execute("CREATE TABLE t (v TEXT)");
		harness.sync();
		// The first write after the generation's snapshot restarts the fully backfilled
		// WAL: index 1 holds the rows.
		for (int i = 0; i < 6; i++) {
			harness.execute("INSERT INTO t VALUES ('row " + i + "')");
			harness.sync();
		}
		harness.database().checkpoint(CheckpointMode.RESTART);
		for (int i = 6; i < 10; i++) {
			harness.execute("INSERT INTO t VALUES ('row " + i + "')");
			harness.sync();
		}
	}

	/**
	 * Flips one bit of a segment where it changes what the object decodes to (a flip in a
	 * match's encoding can decode to the same bytes, which is harmless).
	 */
	public static void flipByteInSegment(Path file, String key) throws IOException {
		byte[] original = Files.readAllBytes(file);
		byte[] content = decode(file, key);
		for (int position = original.length / 2;; position++) {
			byte[] bytes = original.clone();
			bytes[position] ^= 0x01;
			Files.write(file, bytes);
			if (!decodesTo(file, key, content)) {
				return;
			}
		}
	}

	/** Cuts the last {@code bytes} bytes off an object. */
	public static void truncate(Path file, int bytes) throws IOException {
		byte[] content = Files.readAllBytes(file);
		Files.write(file, Arrays.copyOf(content, content.length - bytes));
	}

	/** Appends a copy of a segment's last frame (4096-byte pages), encoded again. */
	public static void appendFrame(Path file, String key) throws IOException {
		byte[] wal = decode(file, key);
		byte[] extended = Arrays.copyOf(wal, wal.length + FRAME_SIZE);
		System.arraycopy(wal, wal.length - FRAME_SIZE, extended, wal.length, FRAME_SIZE);
		Files.write(file, encode(extended, key));
	}

	/** Deletes every snapshot of a generation. */
	public static void deleteSnapshots(Path replicaDir, Generation generation) throws IOException {
		try (Stream<Path> snapshots = Files.list(replicaDir.resolve(ReplicaPaths.snapshotsDir(generation)))) {
			for (Path snapshot : snapshots.toList()) {
				Files.delete(snapshot);
			}
		}
	}

	/** Flips a byte near the end of a snapshot. */
	public static void flipByteInSnapshot(Path snapshot) throws IOException {
		byte[] bytes = Files.readAllBytes(snapshot);
		bytes[bytes.length - 5] ^= 0x10;
		Files.write(snapshot, bytes);
	}

	/** What an LZ4 object decodes to. */
	public static byte[] decode(Path file, String key) throws IOException {
		try (InputStream in = new Lz4FrameCodec().decode(Files.newInputStream(file), key)) {
			return in.readAllBytes();
		}
	}

	/** {@code content} as an LZ4 object. */
	public static byte[] encode(byte[] content, String key) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (OutputStream out = new Lz4FrameCodec().encode(bytes, key)) {
			out.write(content);
		}
		return bytes.toByteArray();
	}

	private static boolean decodesTo(Path file, String key, byte[] expected) {
		try {
			return Arrays.equals(decode(file, key), expected);
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

}
