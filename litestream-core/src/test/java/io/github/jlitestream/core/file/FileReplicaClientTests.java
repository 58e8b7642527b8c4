package io.github.jlitestream.core.file;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.testing.AbstractReplicaClientContractTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FileReplicaClient}.
 */
class FileReplicaClientTests extends AbstractReplicaClientContractTests {

	@TempDir
	Path dir;

	@Override
	protected ReplicaClient createClient() {
		return new FileReplicaClient(this.dir.resolve("replica"));
	}

	@Test
	void usesLitestreamLayoutOnDisk() throws Exception {
		Generation generation = new Generation("0123456789abcdef");
		this.client.writeSnapshot(generation, 1, ObjectContent.of(bytes("s")));
		this.client.writeWalSegment(generation, 1, 4152, ObjectContent.of(bytes("w")));
		Path root = this.dir.resolve("replica/generations/0123456789abcdef");
		assertThat(root.resolve("snapshots/00000001.snapshot.lz4")).hasContent("s");
		assertThat(root.resolve("wal/00000001_00001038.wal.lz4")).hasContent("w");
		try (var files = Files.walk(this.dir)) {
			assertThat(files.filter((p) -> p.toString().endsWith(".tmp"))).isEmpty();
		}
	}

	@Test
	void ignoresForeignFiles() throws Exception {
		Generation generation = Generation.random();
		this.client.writeSnapshot(generation, 1, ObjectContent.of(bytes("s")));
		Path generations = this.dir.resolve("replica/generations");
		Files.createDirectories(generations.resolve("not-a-generation"));
		Files.writeString(generations.resolve(generation.id()).resolve("snapshots/00000002.snapshot.lz4.tmp"), "x");
		Files.writeString(generations.resolve(generation.id()).resolve("snapshots/README"), "x");
		assertThat(this.client.generations()).containsExactly(generation);
		assertThat(this.client.snapshots(generation)).hasSize(1);
	}

	@Test
	void forcesTheDirectoryOfANewObjectAndTheDirectoriesTheWriteCreated() throws Exception {
		// The real fsync runs; the test only watches which directories it is called for, and when.
		List<String> forced = new ArrayList<>();
		List<Path> expectedNames = new ArrayList<>();
		Path root = this.dir.resolve("synced/replica");
		FileReplicaClient.DirectorySync watching = (directory) -> {
			assertThat(expectedNames).allSatisfy((name) -> assertThat(name).exists());
			forced.add(this.dir.relativize(directory).toString().replace('\\', '/'));
			FileReplicaClient.forceDirectory(directory);
		};
		Generation generation = new Generation("0123456789abcdef");
		Path generationDir = root.resolve("generations/0123456789abcdef");
		try (FileReplicaClient client = new FileReplicaClient(root, watching)) {
			expectedNames.add(generationDir.resolve("wal/00000001_00000000.wal.lz4"));
			client.writeWalSegment(generation, 1, 0, ObjectContent.of(bytes("a")));
			assertThat(forced).containsExactly("synced/replica/generations/0123456789abcdef/wal",
					"synced/replica/generations/0123456789abcdef", "synced/replica/generations", "synced/replica",
					"synced", "");

			forced.clear();
			expectedNames.add(generationDir.resolve("wal/00000001_00000001.wal.lz4"));
			client.writeWalSegment(generation, 1, 1, ObjectContent.of(bytes("b")));
			assertThat(forced).containsExactly("synced/replica/generations/0123456789abcdef/wal");

			forced.clear();
			expectedNames.add(generationDir.resolve("snapshots/00000001.snapshot.lz4"));
			client.writeSnapshot(generation, 1, ObjectContent.of(bytes("s")));
			assertThat(forced).containsExactly("synced/replica/generations/0123456789abcdef/snapshots",
					"synced/replica/generations/0123456789abcdef");
		}
	}

}
