package io.github.jlitestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.testing.Lz4Objects;
import io.github.jlitestream.core.testing.ReplicaDamage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, acceptance 2: {@code verify} finds every kind of damage the restore tests
 * inject and exits with the damage code naming the object; a healthy replica exits 0. The
 * damage is injected as {@code DamagedReplicaTests} does.
 */
class VerifyCommandTests {

	@TempDir
	Path dir;

	private Path replicaDir;

	private Generation generation;

	private List<WalSegmentInfo> segments;

	private String url;

	@BeforeEach
	void replicate() throws Exception {
		this.replicaDir = this.dir.resolve("replica");
		this.url = this.replicaDir.toUri().toString();
		try (Harness harness = new Harness(this.dir.resolve("app.db"), new FileReplicaClient(this.replicaDir))) {
			ReplicaDamage.writeTwoIndexes(harness);
			this.generation = harness.database().position().generation();
			this.segments = harness.client().walSegments(this.generation);
		}
	}

	@Test
	void aHealthyReplicaVerifiesWithExitZeroAndTheWindowItProved() {
		Cli cli = Cli.run("verify", this.url);
		assertThat(cli.exitCode()).as(cli.toString()).isZero();
		assertThat(cli.out()).contains("file " + this.generation + ": ok, restorable from ")
			.contains("restored states passed integrity_check");
		Cli json = Cli.run("verify", "-json", this.url);
		assertThat(json.out()).contains("\"damaged\":[]").contains("\"windowFrom\"");
	}

	@Test
	void flippedByteInSegment() throws Exception {
		WalSegmentInfo segment = segment(0, 2);
		ReplicaDamage.flipByteInSegment(file(segment), key(segment));
		assertDamaged(key(segment), "damaged");
	}

	@Test
	void truncatedSegment() throws Exception {
		ReplicaDamage.truncate(file(segment(0, 1)), 6);
		assertDamaged(key(segment(0, 1)), "damaged");
	}

	@Test
	void missingMiddleSegment() throws Exception {
		Files.delete(file(segment(0, 2)));
		assertDamaged(key(segment(0, 3)), "a segment is missing");
	}

	@Test
	void extraFrameAppended() throws Exception {
		WalSegmentInfo last = this.segments.get(this.segments.size() - 1);
		ReplicaDamage.appendFrame(file(last), key(last));
		assertDamaged(key(last), "invalid WAL frame");
	}

	@Test
	void deletedSnapshot() throws Exception {
		ReplicaDamage.deleteSnapshots(this.replicaDir, this.generation);
		assertDamaged(ReplicaPaths.snapshotsDir(this.generation) + "/", "no snapshot");
	}

	@Test
	void flippedByteInSnapshot() throws Exception {
		ReplicaDamage.flipByteInSnapshot(this.replicaDir.resolve(Lz4Objects.snapshotKey(this.generation, 0)));
		assertDamaged(Lz4Objects.snapshotKey(this.generation, 0), "damaged");
	}

	@Test
	void wrongKey() throws Exception {
		byte[] key = new byte[32];
		Arrays.fill(key, (byte) 7);
		byte[] wrong = new byte[32];
		Arrays.fill(wrong, (byte) 9);
		Path encryptedDir = this.dir.resolve("encrypted");
		ReplicaCodec codec = new ReplicaCodec(Compression.LZ4, 3, new Encryption(key, List.of()));
		Generation encrypted;
		try (Harness harness = new Harness(this.dir.resolve("secret.db"), new FileReplicaClient(encryptedDir), codec)) {
			ReplicaDamage.writeTwoIndexes(harness);
			encrypted = harness.database().position().generation();
		}
		Path keyFile = this.dir.resolve("key");
		Path wrongFile = this.dir.resolve("wrong");
		Files.writeString(keyFile, Base64.getEncoder().encodeToString(key));
		Files.writeString(wrongFile, Base64.getEncoder().encodeToString(wrong));
		String url = encryptedDir.toUri().toString();
		assertThat(Cli.run("verify", "-key-file", keyFile.toString(), url).exitCode()).isZero();
		Cli cli = Cli.run("verify", "-key-file", wrongFile.toString(), url);
		assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(ExitCode.DAMAGED);
		assertThat(cli.out()).contains("damaged: " + Lz4Objects.snapshotKey(encrypted, 0));
		Cli none = Cli.run("verify", url);
		assertThat(none.exitCode()).as(none.toString()).isEqualTo(ExitCode.DAMAGED);
		assertThat(none.out()).contains("no encryption key is configured");
	}

	@Test
	void anEmptyReplicaIsNoBackup() throws Exception {
		Path empty = Files.createDirectories(this.dir.resolve("empty"));
		Cli cli = Cli.run("verify", empty.toUri().toString());
		assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(ExitCode.NO_BACKUP);
		assertThat(cli.err()).contains("no backup to verify");
	}

	private void assertDamaged(String key, String problem) {
		Cli cli = Cli.run("verify", this.url);
		assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(ExitCode.DAMAGED);
		assertThat(cli.out()).as(cli.toString()).contains("DAMAGED").contains("damaged: " + key).contains(problem);
		assertThat(cli.err()).contains("the replica is damaged");
		Cli restore = Cli.run("restore", "-o", this.dir.resolve("out.db").toString(), this.url);
		assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(ExitCode.DAMAGED);
		assertThat(restore.err()).contains(key);
		assertThat(this.dir.resolve("out.db")).doesNotExist();
	}

	private WalSegmentInfo segment(long index, int ordinal) {
		return this.segments.stream().filter((s) -> s.index() == 1 + index).toList().get(ordinal);
	}

	private String key(WalSegmentInfo segment) {
		return Lz4Objects.walSegmentKey(segment.generation(), segment.index(), segment.offset());
	}

	private Path file(WalSegmentInfo segment) {
		return this.replicaDir.resolve(key(segment));
	}

}
