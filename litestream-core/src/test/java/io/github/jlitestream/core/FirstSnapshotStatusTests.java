package io.github.jlitestream.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.support.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A replica is not "caught up" before its generation's first snapshot is in the store: until then nothing in it can
 * be restored.
 */
class FirstSnapshotStatusTests {

	@TempDir
	Path dir;

	@Test
	void replicaWithoutSnapshotHasNoPositionAndAGrowingLag() throws Exception {
		RefusingSnapshots client = new RefusingSnapshots(new FileReplicaClient(this.dir.resolve("replica")));
		try (Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('x')");
			harness.database().sync();
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> harness.replica().sync())
				.withMessageContaining("snapshot refused");
			Thread.sleep(30);
			assertThat(harness.replica().position()).isNull();
			assertThat(harness.replica().lag()).isPositive();
			assertThat(harness.replica().lastError()).contains("snapshot refused");

			client.refuse = false;
			harness.replica().sync();
			assertThat(harness.replica().position()).isEqualTo(harness.database().position());
			assertThat(harness.replica().lag()).isZero();
			assertThat(harness.replica().lastError()).isNull();
		}
	}

	/** A store that fails snapshot uploads while {@link #refuse} is set. */
	private static final class RefusingSnapshots implements ReplicaClient {

		private final ReplicaClient delegate;

		volatile boolean refuse = true;

		RefusingSnapshots(ReplicaClient delegate) {
			this.delegate = delegate;
		}

		@Override
		public String type() {
			return this.delegate.type();
		}

		@Override
		public String location() {
			return this.delegate.location();
		}

		@Override
		public List<Generation> generations() throws IOException {
			return this.delegate.generations();
		}

		@Override
		public List<SnapshotInfo> snapshots(Generation generation) throws IOException {
			return this.delegate.snapshots(generation);
		}

		@Override
		public List<WalSegmentInfo> walSegments(Generation generation) throws IOException {
			return this.delegate.walSegments(generation);
		}

		@Override
		public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression,
				ObjectContent content) throws IOException {
			if (this.refuse) {
				throw new IOException("snapshot refused");
			}
			return this.delegate.writeSnapshot(generation, index, compression, content);
		}

		@Override
		public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
				ObjectContent content) throws IOException {
			return this.delegate.writeWalSegment(generation, index, offset, compression, content);
		}

		@Override
		public InputStream openSnapshot(Generation generation, long index, Compression compression)
				throws IOException {
			return this.delegate.openSnapshot(generation, index, compression);
		}

		@Override
		public InputStream openWalSegment(Generation generation, long index, long offset, Compression compression)
				throws IOException {
			return this.delegate.openWalSegment(generation, index, offset, compression);
		}

		@Override
		public void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException {
			this.delegate.deleteSnapshots(snapshots);
		}

		@Override
		public void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException {
			this.delegate.deleteWalSegments(segments);
		}

		@Override
		public void deleteGeneration(Generation generation) throws IOException {
			this.delegate.deleteGeneration(generation);
		}

	}

}
