package io.github.jlitestream.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Client-side encryption and compression choices: round trips, no plaintext in the store,
 * and clear failures for wrong or missing keys and for altered, truncated, swapped or
 * copied objects.
 */
class EncryptionTests {

	private static final String MARKER = "SECRET-ROW-VALUE-7f3a9c";

	private static final byte[] KEY_A = key();

	private static final byte[] KEY_B = key();

	@TempDir
	Path dir;

	@ParameterizedTest
	@EnumSource(Compression.class)
	void roundTripLeavesNoPlaintextInTheStore(Compression compression) throws Exception {
		ReplicaCodec codec = new ReplicaCodec(compression, 3, new Encryption(KEY_A, List.of()));
		Path replica = replicate(codec, 0, 200);
		assertThat(storedFiles(replica))
			.allSatisfy((file) -> assertThat(file.toString()).endsWith("." + compression.extension()));
		assertThat(containsMarker(replica)).as("plaintext in the store").isFalse();
		Path restored = this.dir.resolve("restored.db");
		new Restorer(codec).restore(new FileReplicaClient(replica), RestoreOptions.latest(restored),
				RestoreProgress.NONE);
		assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(this.dir.resolve("app.db")));
	}

	@ParameterizedTest
	@EnumSource(Compression.class)
	void unencryptedReplicaDoesHoldThePlaintext(Compression compression) throws Exception {
		// The marker check above can fail: without encryption the values are there to be
		// found.
		Path replica = replicate(new ReplicaCodec(compression, 1, null), 0, 200);
		assertThat(containsMarker(replica)).isTrue();
		Path restored = this.dir.resolve("restored.db");
		new Restorer(new ReplicaCodec(Compression.LZ4, 3, null)).restore(new FileReplicaClient(replica),
				RestoreOptions.latest(restored), RestoreProgress.NONE);
		assertThat(Sql.count(restored, "t")).isEqualTo(201);
	}

	/**
	 * A configuration that lost the replica's key must not turn the encrypted backup into
	 * a plaintext one: nothing is written, and the failure names the encrypted object.
	 */
	@Test
	void aReplicaWithoutItsKeyRefusesToWritePlaintextIntoAnEncryptedStore() throws Exception {
		Path replica = replicate(encrypted(KEY_A), 0, 20);
		List<Path> before = storedFiles(replica);
		Files.delete(this.dir.resolve("app.db"));
		try (Harness harness = new Harness(this.dir.resolve("other.db"), new FileReplicaClient(replica),
				new ReplicaCodec(Compression.LZ4, 3, null))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('" + MARKER + " plain')");
			assertThatExceptionOfType(LitestreamException.class).isThrownBy(harness::sync)
				.withMessageContaining("holds encrypted objects (such as generations/")
				.withMessageContaining("but no encryption key is configured for it: refusing to write unencrypted");
		}
		assertThat(storedFiles(replica)).containsExactlyInAnyOrderElementsOf(before);
		assertThat(containsMarker(replica)).isFalse();
	}

	@Test
	void wrongKey() throws Exception {
		Path replica = replicate(encrypted(KEY_A), 0, 20);
		String id = new Encryption(KEY_A, List.of()).primaryKeyId();
		assertRestoreFails(replica, encrypted(KEY_B), ".snapshot.lz4",
				"encrypted with key id " + id + ", which is not among the configured keys");
	}

	@Test
	void missingKey() throws Exception {
		Path replica = replicate(encrypted(KEY_A), 0, 20);
		assertRestoreFails(replica, ReplicaCodec.litestream(), ".snapshot.lz4",
				"object is encrypted, but no encryption key is configured");
	}

	@Test
	void flippedBit() throws Exception {
		Path replica = replicate(encrypted(KEY_A), 0, 20);
		Path segment = lastSegment(replica);
		byte[] bytes = Files.readAllBytes(segment);
		bytes[bytes.length / 2] ^= 0x01;
		Files.write(segment, bytes);
		assertRestoreFails(replica, encrypted(KEY_A), segment.getFileName().toString(), "decryption failed");
	}

	@Test
	void truncatedObject() throws Exception {
		Path replica = replicate(encrypted(KEY_A), 0, 20);
		Path segment = lastSegment(replica);
		byte[] bytes = Files.readAllBytes(segment);
		Files.write(segment, Arrays.copyOf(bytes, bytes.length - 17));
		assertRestoreFails(replica, encrypted(KEY_A), segment.getFileName().toString(), "decryption failed");
	}

	@Test
	void twoObjectsSwapped() throws Exception {
		Path replica = replicate(encrypted(KEY_A), 0, 20);
		// the last two segments belong to the index that restore starts from, so both are
		// read
		List<Path> segments = segments(replica);
		Path first = segments.get(segments.size() - 2);
		Path second = segments.get(segments.size() - 1);
		byte[] a = Files.readAllBytes(first);
		Files.write(first, Files.readAllBytes(second));
		Files.write(second, a);
		assertRestoreFails(replica, encrypted(KEY_A), first.getFileName().toString(), "decryption failed");
	}

	@Test
	void objectCopiedToAnotherIndex() throws Exception {
		ReplicaCodec codec = encrypted(KEY_A);
		Path replica = replicate(codec, 0, 20);
		Path segment = lastSegment(replica);
		var name = ReplicaPaths.parseWalSegmentName(segment.getFileName().toString()).orElseThrow();
		Path copy = segment.resolveSibling(ReplicaPaths.walSegmentName(name.index() + 1, 0));
		Files.copy(segment, copy);
		assertRestoreFails(replica, codec, copy.getFileName().toString(), "decryption failed");
	}

	@Test
	void keyRotation() throws Exception {
		Path path = this.dir.resolve("app.db");
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("replica"));
		try (Harness harness = new Harness(path, client, encrypted(KEY_A))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('under key A')");
			harness.sync();
		}
		ReplicaCodec rotated = new ReplicaCodec(Compression.LZ4, 3, new Encryption(KEY_B, List.of(KEY_A)));
		try (Harness harness = new Harness(path, client, rotated)) {
			harness.execute("INSERT INTO t VALUES ('under key B')");
			harness.sync();
			Path restored = this.dir.resolve("both.db");
			harness.restore(RestoreOptions.latest(restored));
			assertThat(Sql.dump(restored).get("t")).containsExactly("under key A", "under key B");
		}
		assertRestoreFails(this.dir.resolve("replica"), encrypted(KEY_B), ".lz4", "not among the configured keys");
	}

	@Test
	void rejectsKeysOfTheWrongSize() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> Encryption.decodeKey("c2hvcnQ=", "litestream.databases.app.replicas[0].encryption.key"))
			.withMessageContaining("replicas[0].encryption.key must be 32 bytes")
			.withMessageNotContaining("c2hvcnQ=");
	}

	private Path replicate(ReplicaCodec codec, int from, int rows) throws Exception {
		Path replica = this.dir.resolve("replica");
		try (Harness harness = new Harness(this.dir.resolve("app.db"), new FileReplicaClient(replica), codec)) {
			harness.execute("CREATE TABLE IF NOT EXISTS t (v TEXT)");
			for (int i = from; i < from + rows; i++) {
				harness.execute("INSERT INTO t VALUES ('" + MARKER + " " + i + "')");
				if (i % 5 == 0) {
					harness.sync();
				}
			}
			harness.sync();
			harness.replica().snapshot();
			harness.execute("INSERT INTO t VALUES ('" + MARKER + " last')");
			harness.sync();
		}
		return replica;
	}

	private void assertRestoreFails(Path replica, ReplicaCodec codec, String keyPart, String problem) {
		Path output = this.dir.resolve("failed.db");
		assertThatExceptionOfType(CorruptReplicaException.class)
			.isThrownBy(() -> new Restorer(codec).restore(new FileReplicaClient(replica), RestoreOptions.latest(output),
					RestoreProgress.NONE))
			.withMessageContaining(keyPart)
			.withMessageContaining(problem);
		assertThat(output).doesNotExist();
	}

	private static ReplicaCodec encrypted(byte[] key) {
		return new ReplicaCodec(Compression.LZ4, 3, new Encryption(key, List.of()));
	}

	private static boolean containsMarker(Path replica) throws Exception {
		byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
		for (Path file : storedFiles(replica)) {
			String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
			if (content.contains(new String(marker, StandardCharsets.ISO_8859_1))) {
				return true;
			}
		}
		return false;
	}

	private static List<Path> storedFiles(Path replica) throws Exception {
		try (Stream<Path> files = Files.walk(replica)) {
			return files.filter(Files::isRegularFile).toList();
		}
	}

	private static List<Path> segments(Path replica) throws Exception {
		return storedFiles(replica).stream().filter((f) -> f.toString().contains(".wal.")).sorted().toList();
	}

	private static Path lastSegment(Path replica) throws Exception {
		List<Path> segments = segments(replica);
		return segments.get(segments.size() - 1);
	}

	private static byte[] key() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return key;
	}

}
