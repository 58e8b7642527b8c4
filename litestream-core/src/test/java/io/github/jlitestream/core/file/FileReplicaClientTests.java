package io.github.jlitestream.core.file;

import java.nio.file.Files;
import java.nio.file.Path;

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

}
