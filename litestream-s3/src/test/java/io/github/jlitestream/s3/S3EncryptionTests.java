package io.github.jlitestream.s3;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.s3.testing.S3ProxyExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Encrypted (and zstd) replicas on S3: the store learns nothing of the rows, and restore
 * needs the key.
 */
class S3EncryptionTests {

	private static final String MARKER = "S3-SECRET-ROW-4d1e";

	@RegisterExtension
	static final S3ProxyExtension s3 = new S3ProxyExtension();

	@TempDir
	Path dir;

	@ParameterizedTest
	@EnumSource(Compression.class)
	void encryptedRoundTripWithoutPlaintextInTheStore(Compression compression) throws Exception {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		ReplicaCodec codec = new ReplicaCodec(compression, 3, new Encryption(key, List.of()));
		try (S3ReplicaClient client = s3.newClient("encrypted", "db");
				Harness harness = new Harness(this.dir.resolve("app.db"), client, codec)) {
			harness.execute("CREATE TABLE t (v TEXT)");
			for (int i = 0; i < 100; i++) {
				harness.execute("INSERT INTO t VALUES ('" + MARKER + " " + i + "')");
				if (i % 10 == 0) {
					harness.sync();
				}
			}
			harness.sync();
			Generation generation = harness.database().position().generation();
			StringBuilder stored = new StringBuilder();
			for (SnapshotInfo snapshot : client.snapshots(generation)) {
				assertThat(snapshot.compression()).isEqualTo(compression);
				stored.append(read(client.openSnapshot(generation, snapshot.index(), compression)));
			}
			for (WalSegmentInfo segment : client.walSegments(generation)) {
				stored.append(read(client.openWalSegment(generation, segment.index(), segment.offset(), compression)));
			}
			assertThat(stored).isNotEmpty().doesNotContain(MARKER);

			Path restored = this.dir.resolve("restored.db");
			new Restorer(codec).restore(client, RestoreOptions.latest(restored), RestoreProgress.NONE);
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(harness.app()));
			Path withoutKey = this.dir.resolve("without-key.db");
			assertThatExceptionOfType(CorruptReplicaException.class)
				.isThrownBy(() -> new Restorer(new ReplicaCodec(compression, 3, null)).restore(client,
						RestoreOptions.latest(withoutKey), RestoreProgress.NONE))
				.withMessageContaining("no encryption key is configured");
			assertThat(withoutKey).doesNotExist();
		}
	}

	private static String read(InputStream in) throws Exception {
		try (in) {
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

}
