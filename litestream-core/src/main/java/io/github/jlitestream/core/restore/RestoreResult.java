package io.github.jlitestream.core.restore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import io.github.jlitestream.core.Position;
import org.jspecify.annotations.Nullable;

/**
 * What a restore produced.
 *
 * @param path the restored database file
 * @param position the replica position the database was restored to
 * @param snapshotIndex the WAL index of the snapshot it started from
 * @param segments how many WAL segments were applied
 * @param databaseBytes the size of the restored database
 * @param downloadedBytes the bytes read from the store
 * @param lastChangeAt the store time of the newest object used
 * @param duration how long it took
 * @param roundedDown why a point-in-time restore stopped short of its target (an object
 * at the boundary has no exact creation time), or null when it restored the state at the
 * target
 * @param compactedIndex the compacted WAL index that ends after a point-in-time target,
 * the first left out: it restores only whole (compaction keeps the last version of each
 * page of an index older than the compaction age), so the database holds the state at the
 * end of the index before it, without any commit of that index made before the target;
 * null when the first index left out is not compacted
 * @since 0.1.0
 */
public record RestoreResult(Path path, Position position, long snapshotIndex, int segments, long databaseBytes,
		long downloadedBytes, Instant lastChangeAt, Duration duration, @Nullable RoundedDown roundedDown,
		@Nullable Long compactedIndex) {
}
