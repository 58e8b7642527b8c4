package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.testing.InMemoryReplicaClient;
import io.github.jlitestream.core.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The segments of one WAL index must follow one another without a gap or an overlap,
 * which the listing's names promise but only the decoded lengths show. The restore stops
 * at the first such segment, before any WAL is applied: an empty snapshot and a codec
 * that stores content as it is need no SQLite.
 */
class RestoreRunTests {

	private static final Generation GENERATION = new Generation("aaaaaaaaaaaaaaaa");

	@TempDir
	Path dir;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));

	private final InMemoryReplicaClient store = new InMemoryReplicaClient(this.clock);

	@Test
	void aGapBetweenTheSegmentsOfAnIndexIsRefused() throws IOException {
		this.store.writeSnapshot(GENERATION, 0, Compression.LZ4, ObjectContent.of(new byte[0]));
		segment(0, 10);
		WalSegmentInfo late = segment(20, 10);
		assertRefused(ReplicaPaths.key(late),
				"starts at WAL offset 20 but the segments before it end at 10: a segment " + "is missing");
	}

	@Test
	void overlappingSegmentsOfAnIndexAreRefused() throws IOException {
		this.store.writeSnapshot(GENERATION, 0, Compression.LZ4, ObjectContent.of(new byte[0]));
		segment(0, 10);
		WalSegmentInfo overlapping = segment(5, 10);
		assertRefused(ReplicaPaths.key(overlapping),
				"starts at WAL offset 5 but the segments before it end at 10: " + "segments overlap");
	}

	private WalSegmentInfo segment(long offset, int length) throws IOException {
		return this.store.writeWalSegment(GENERATION, 0, offset, Compression.LZ4, ObjectContent.of(new byte[length]));
	}

	private void assertRefused(String key, String problem) {
		Path output = this.dir.resolve("restored.db");
		assertThatExceptionOfType(CorruptReplicaException.class)
			.isThrownBy(() -> Restorer.restoreFrom(List.of(new Restorer.Source(this.store, new StoredAsIs())),
					RestoreOptions.latest(output), RestoreProgress.NONE))
			.withMessage(key + ": " + problem);
		assertThat(this.dir).isEmptyDirectory();
	}

	/** Objects stored as they are, so the test writes the decoded content itself. */
	private static final class StoredAsIs implements ObjectCodec {

		@Override
		public OutputStream encode(OutputStream out, String objectKey) {
			return out;
		}

		@Override
		public InputStream decode(InputStream in, String objectKey) {
			return in;
		}

	}

}
