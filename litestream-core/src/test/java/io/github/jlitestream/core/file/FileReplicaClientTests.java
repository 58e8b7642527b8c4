package io.github.jlitestream.core.file;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.testing.AbstractReplicaClientContractTests;
import io.github.jlitestream.core.testing.Lz4Objects;
import io.github.jlitestream.core.util.LocalFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
		Lz4Objects.writeSnapshot(this.client, generation, 1, ObjectContent.of(bytes("s")));
		Lz4Objects.writeWalSegment(this.client, generation, 1, 4152, ObjectContent.of(bytes("w")));
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
		Lz4Objects.writeSnapshot(this.client, generation, 1, ObjectContent.of(bytes("s")));
		Path generations = this.dir.resolve("replica/generations");
		Files.createDirectories(generations.resolve("not-a-generation"));
		Files.writeString(generations.resolve(generation.id()).resolve("snapshots/00000002.snapshot.lz4.tmp"), "x");
		Files.writeString(generations.resolve(generation.id()).resolve("snapshots/README"), "x");
		assertThat(this.client.generations()).containsExactly(generation);
		assertThat(this.client.snapshots(generation)).hasSize(1);
	}

	@Test
	void forcesTheDirectoryOfANewObjectAndTheDirectoriesTheWriteCreated() throws Exception {
		// The real fsync runs; the test only watches which directories it is called for,
		// and when.
		List<String> forced = new ArrayList<>();
		List<Path> expectedNames = new ArrayList<>();
		Path root = this.dir.resolve("synced/replica");
		FileReplicaClient.DirectorySync watching = (directory) -> {
			assertThat(expectedNames).allSatisfy((name) -> assertThat(name).exists());
			forced.add(this.dir.relativize(directory).toString().replace('\\', '/'));
			LocalFiles.forceDirectory(directory);
		};
		Generation generation = new Generation("0123456789abcdef");
		Path generationDir = root.resolve("generations/0123456789abcdef");
		try (FileReplicaClient client = new FileReplicaClient(root, watching)) {
			expectedNames.add(generationDir.resolve("wal/00000001_00000000.wal.lz4"));
			Lz4Objects.writeWalSegment(client, generation, 1, 0, ObjectContent.of(bytes("a")));
			assertThat(forced).containsExactly("synced/replica/generations/0123456789abcdef/wal",
					"synced/replica/generations/0123456789abcdef", "synced/replica/generations", "synced/replica",
					"synced", "");

			forced.clear();
			expectedNames.add(generationDir.resolve("wal/00000001_00000001.wal.lz4"));
			Lz4Objects.writeWalSegment(client, generation, 1, 1, ObjectContent.of(bytes("b")));
			assertThat(forced).containsExactly("synced/replica/generations/0123456789abcdef/wal");

			forced.clear();
			expectedNames.add(generationDir.resolve("snapshots/00000001.snapshot.lz4"));
			Lz4Objects.writeSnapshot(client, generation, 1, ObjectContent.of(bytes("s")));
			assertThat(forced).containsExactly("synced/replica/generations/0123456789abcdef/snapshots",
					"synced/replica/generations/0123456789abcdef");
		}
	}

	@Test
	void temporaryFilesAreNeverListedAsObjects() throws Exception {
		Generation generation = new Generation("0123456789abcdef");
		Path walDir = this.dir.resolve("replica/generations/0123456789abcdef/wal");
		CountDownLatch release = new CountDownLatch(1);
		ObjectContent stalled = new ObjectContent() {
			@Override
			public long length() {
				return 100;
			}

			@Override
			public InputStream open() {
				return new InputStream() {
					private boolean started;

					@Override
					public int read() {
						throw new UnsupportedOperationException();
					}

					@Override
					public int read(byte[] b, int off, int len) throws IOException {
						if (!this.started) {
							this.started = true;
							Arrays.fill(b, off, off + 10, (byte) 'x');
							return 10;
						}
						try {
							release.await();
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
						throw new IOException("the process died here");
					}
				};
			}
		};
		CompletableFuture<WalSegmentInfo> write = CompletableFuture.supplyAsync(() -> {
			try {
				return Lz4Objects.writeWalSegment(this.client, generation, 1, 0, stalled);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		// Half written: the temporary file is there, the object is not.
		Path tmp = awaitSingleFile(walDir);
		assertThat(tmp.getFileName().toString()).matches("00000001_00000000\\.wal\\.lz4\\.[0-9a-f]{16}\\.tmp");
		assertThat(this.client.walSegments(generation)).isEmpty();
		release.countDown();
		assertThatExceptionOfType(CompletionException.class).isThrownBy(write::join)
			.withRootCauseInstanceOf(IOException.class);
		try (Stream<Path> files = Files.list(walDir)) {
			assertThat(files).isEmpty();
		}

		// What a crash leaves behind, of either kind of object, is not an object and does
		// not block its name.
		Files.write(tmp, new byte[10]);
		Path snapshotTmp = this.dir
			.resolve("replica/generations/0123456789abcdef/snapshots/" + "00000001.snapshot.lz4.0123456789abcdef.tmp");
		Files.createDirectories(snapshotTmp.getParent());
		Files.write(snapshotTmp, new byte[10]);
		assertThat(this.client.walSegments(generation)).isEmpty();
		assertThat(this.client.snapshots(generation)).isEmpty();
		Lz4Objects.writeWalSegment(this.client, generation, 1, 0, ObjectContent.of(bytes("wal")));
		Lz4Objects.writeSnapshot(this.client, generation, 1, ObjectContent.of(bytes("snapshot")));
		assertThat(this.client.walSegments(generation)).singleElement()
			.satisfies((segment) -> assertThat(segment.size()).isEqualTo(3));
		assertThat(this.client.snapshots(generation)).singleElement()
			.satisfies((snapshot) -> assertThat(snapshot.size()).isEqualTo(8));
		assertThat(readAll(Lz4Objects.openWalSegment(this.client, generation, 1, 0))).isEqualTo(bytes("wal"));
	}

	@Test
	void concurrentWritersOfOneNameCreateItOnce() throws Exception {
		int writers = 6;
		ExecutorService executor = Executors.newFixedThreadPool(writers);
		try {
			for (int round = 0; round < 20; round++) {
				Generation generation = Generation.random();
				long offset = round;
				// Every writer has its whole content written before any of them gives it
				// the object's name.
				CyclicBarrier written = new CyclicBarrier(writers);
				List<byte[]> contents = new ArrayList<>();
				List<Future<WalSegmentInfo>> results = new ArrayList<>();
				for (int i = 0; i < writers; i++) {
					byte[] data = randomBytes(32 * 1024 + i, round * 100L + i);
					contents.add(data);
					results.add(executor.submit(() -> Lz4Objects.writeWalSegment(this.client, generation, 0, offset,
							awaitingAtEnd(data, written))));
				}
				int created = -1;
				for (int i = 0; i < writers; i++) {
					try {
						results.get(i).get(30, TimeUnit.SECONDS);
						assertThat(created).as("a second writer created the object").isEqualTo(-1);
						created = i;
					}
					catch (ExecutionException ex) {
						assertThat(ex.getCause()).isInstanceOf(FileAlreadyExistsException.class);
					}
				}
				assertThat(created).as("no writer created the object").isNotEqualTo(-1);
				assertThat(readAll(Lz4Objects.openWalSegment(this.client, generation, 0, offset)))
					.isEqualTo(contents.get(created));
				try (Stream<Path> files = Files.walk(this.dir)) {
					assertThat(files.filter((p) -> p.toString().endsWith(".tmp"))).isEmpty();
				}
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	/** Content that waits at its end for the other writers' contents to end too. */
	private static ObjectContent awaitingAtEnd(byte[] data, CyclicBarrier barrier) {
		return new ObjectContent() {
			@Override
			public long length() {
				return data.length;
			}

			@Override
			public InputStream open() {
				ByteArrayInputStream in = new ByteArrayInputStream(data);
				return new InputStream() {
					@Override
					public int read() {
						throw new UnsupportedOperationException();
					}

					@Override
					public int read(byte[] b, int off, int len) throws IOException {
						int n = in.read(b, off, len);
						if (n == -1) {
							try {
								barrier.await(30, TimeUnit.SECONDS);
							}
							catch (Exception ex) {
								throw new IOException("Writers did not meet", ex);
							}
						}
						return n;
					}
				};
			}
		};
	}

	private static Path awaitSingleFile(Path dir) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			if (Files.isDirectory(dir)) {
				try (Stream<Path> files = Files.list(dir)) {
					List<Path> found = files.toList();
					if (!found.isEmpty()) {
						assertThat(found).hasSize(1);
						return found.get(0);
					}
				}
			}
			Thread.sleep(5);
		}
		throw new AssertionError("No file appeared in " + dir);
	}

}
