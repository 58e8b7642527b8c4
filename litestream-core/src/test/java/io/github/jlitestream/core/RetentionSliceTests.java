package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.file.FileReplicaClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention does not hold a replica's uploads while it deletes a lot: found by the fault
 * campaign, where deleting an old generation took one request that S3Proxy answered after
 * more than 20 s, during which no commit reached the store. It now deletes in requests of
 * {@code Retention.CHUNK} objects for about a second at a time, with uploads between.
 */
class RetentionSliceTests {

	@TempDir
	Path dir;

	@Test
	@Timeout(120)
	void uploadsGoOnWhileALargeOldGenerationIsDeletedFromASlowStore() throws Exception {
		Path path = this.dir.resolve("app.db");
		FileReplicaClient store = new FileReplicaClient(this.dir.resolve("replica"));
		Generation old = new Generation("00000000000000aa");
		store.writeSnapshot(old, 0, Compression.LZ4, ObjectContent.of(new byte[16]));
		for (int i = 0; i < 1000; i++) {
			store.writeWalSegment(old, 0, 32L + i * 4120L, Compression.LZ4, ObjectContent.of(new byte[16]));
		}
		FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
		try (Stream<Path> files = Files.walk(this.dir.resolve("replica"))) {
			for (Path file : files.toList()) {
				Files.setLastModifiedTime(file, twoDaysAgo);
			}
		}
		SlowDeletes slow = new SlowDeletes(store);
		ReplicationManager manager = new ReplicationManager(ReplicationListener.NONE, Clock.systemUTC());
		manager.add("app", DatabaseOptions.builder(path).monitorInterval(Duration.ofMillis(20)).build(),
				List.of(new ReplicaSpec(slow,
						ReplicaOptions.builder("file")
							.syncInterval(Duration.ofMillis(20))
							.retention(Duration.ofHours(1))
							.retentionCheckInterval(Duration.ofMillis(300))
							.build())));
		try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + path);
				Statement statement = app.createStatement()) {
			statement.execute("PRAGMA journal_mode=WAL");
			statement.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			manager.start();
			while (store.generations().contains(old)) {
				statement.execute("INSERT INTO t (v) VALUES ('a commit while retention deletes')");
				Thread.sleep(5);
			}
		}
		finally {
			manager.stop();
		}
		int firstDelete = slow.events.indexOf("delete");
		int lastDelete = slow.events.lastIndexOf("delete");
		assertThat(firstDelete).as("retention deleted the old generation").isNotNegative();
		assertThat(slow.events.subList(firstDelete, lastDelete)).as("uploads between the deletes").contains("upload");
	}

	/** A store whose every delete request takes 150 ms; records deletes and uploads. */
	private static final class SlowDeletes extends ForwardingReplicaClient {

		final List<String> events = new CopyOnWriteArrayList<>();

		SlowDeletes(ReplicaClient delegate) {
			super(delegate);
		}

		@Override
		public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
				ObjectContent content) throws IOException {
			WalSegmentInfo written = super.writeWalSegment(generation, index, offset, compression, content);
			this.events.add("upload");
			return written;
		}

		@Override
		public void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException {
			slowly();
			super.deleteSnapshots(snapshots);
		}

		@Override
		public void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException {
			slowly();
			super.deleteWalSegments(segments);
		}

		@Override
		public void deleteGeneration(Generation generation) throws IOException {
			slowly();
			super.deleteGeneration(generation);
		}

		private void slowly() throws IOException {
			this.events.add("delete");
			try {
				Thread.sleep(150);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException(ex);
			}
		}

	}

}
