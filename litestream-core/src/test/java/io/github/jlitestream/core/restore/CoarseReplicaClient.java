package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;

/**
 * A store that lists times in whole seconds, as S3 does, good to a given resolution, and
 * keeps its writers' exact times except for the objects told to forget them (as objects
 * written by Litestream have none). It counts the exact times asked for.
 */
final class CoarseReplicaClient implements ReplicaClient {

	private final ReplicaClient delegate;

	private final Duration resolution;

	private final Set<String> withoutExactTime = new HashSet<>();

	private int exactLookups;

	CoarseReplicaClient(ReplicaClient delegate, Duration resolution) {
		this.delegate = delegate;
		this.resolution = resolution;
	}

	/** From now on the object records no exact time. */
	void forgetExactTime(String key) {
		this.withoutExactTime.add(key);
	}

	int exactLookups() {
		return this.exactLookups;
	}

	@Override
	public String type() {
		return "coarse";
	}

	@Override
	public String location() {
		return "coarse:" + this.delegate.location();
	}

	@Override
	public List<Generation> generations() throws IOException {
		return this.delegate.generations();
	}

	@Override
	public List<SnapshotInfo> snapshots(Generation generation) throws IOException {
		return this.delegate.snapshots(generation)
			.stream()
			.map((s) -> new SnapshotInfo(s.generation(), s.index(), s.size(), listed(s.createdAt()), s.compression()))
			.toList();
	}

	@Override
	public List<WalSegmentInfo> walSegments(Generation generation) throws IOException {
		return this.delegate.walSegments(generation)
			.stream()
			.map((s) -> new WalSegmentInfo(s.generation(), s.index(), s.offset(), s.size(), listed(s.createdAt()),
					s.compression()))
			.toList();
	}

	@Override
	public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression, ObjectContent content)
			throws IOException {
		return this.delegate.writeSnapshot(generation, index, compression, content);
	}

	@Override
	public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content) throws IOException {
		return this.delegate.writeWalSegment(generation, index, offset, compression, content);
	}

	@Override
	public InputStream openSnapshot(Generation generation, long index, Compression compression) throws IOException {
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

	@Override
	public Duration listedTimeResolution(Instant listedAt) {
		return this.resolution;
	}

	@Override
	public Optional<Instant> exactCreatedAt(SnapshotInfo snapshot) throws IOException {
		this.exactLookups++;
		return this.withoutExactTime.contains(ReplicaPaths.key(snapshot)) ? Optional.empty()
				: this.delegate.exactCreatedAt(snapshot);
	}

	@Override
	public Optional<Instant> exactCreatedAt(WalSegmentInfo segment) throws IOException {
		this.exactLookups++;
		return this.withoutExactTime.contains(ReplicaPaths.key(segment)) ? Optional.empty()
				: this.delegate.exactCreatedAt(segment);
	}

	private static Instant listed(Instant createdAt) {
		return createdAt.truncatedTo(ChronoUnit.SECONDS);
	}

}
