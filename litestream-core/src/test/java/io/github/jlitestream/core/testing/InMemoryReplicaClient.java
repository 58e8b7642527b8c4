package io.github.jlitestream.core.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LeaseConflictException;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.StoredLease;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;
import org.jspecify.annotations.Nullable;

/**
 * A replica held in memory, keyed as the Litestream v0.3 layout keys its objects, with
 * creation times taken from a {@link Clock}: retention and restore planning can then be
 * tested without SQLite, a file system or file times. It keeps every rule of the
 * {@link ReplicaClient} contract (create-only writes, sorted listings) and is checked
 * against it by {@code InMemoryReplicaClientTests}.
 */
public final class InMemoryReplicaClient implements ReplicaClient {

	private final Clock clock;

	private final Map<String, StoredObject> objects = new ConcurrentSkipListMap<>();

	private @Nullable StoredLease lease;

	private long leaseVersions;

	public InMemoryReplicaClient(Clock clock) {
		this.clock = clock;
	}

	/** The keys of every stored object, sorted. */
	public List<String> keys() {
		return List.copyOf(this.objects.keySet());
	}

	@Override
	public String type() {
		return "memory";
	}

	@Override
	public String location() {
		return "memory:" + Integer.toHexString(System.identityHashCode(this));
	}

	@Override
	public List<Generation> generations() {
		return this.objects.values().stream().map(StoredObject::generation).distinct().sorted().toList();
	}

	@Override
	public List<SnapshotInfo> snapshots(Generation generation) {
		List<SnapshotInfo> snapshots = new ArrayList<>();
		for (StoredObject object : this.objects.values()) {
			if (object.generation().equals(generation) && object.offset() < 0) {
				snapshots.add(new SnapshotInfo(generation, object.index(), object.data().length, object.createdAt(),
						object.compression()));
			}
		}
		snapshots.sort((a, b) -> Long.compare(a.index(), b.index()));
		return snapshots;
	}

	@Override
	public List<WalSegmentInfo> walSegments(Generation generation) {
		List<WalSegmentInfo> segments = new ArrayList<>();
		for (StoredObject object : this.objects.values()) {
			if (object.generation().equals(generation) && object.offset() >= 0) {
				segments.add(new WalSegmentInfo(generation, object.index(), object.offset(), object.data().length,
						object.createdAt(), object.compression()));
			}
		}
		segments.sort(WalSegmentInfo.BY_POSITION);
		return segments;
	}

	@Override
	public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression, ObjectContent content)
			throws IOException {
		StoredObject object = store(ReplicaPaths.snapshotKey(generation, index, compression),
				new StoredObject(generation, index, -1, compression, read(content), this.clock.instant()));
		return new SnapshotInfo(generation, index, object.data().length, object.createdAt(), compression);
	}

	@Override
	public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content) throws IOException {
		StoredObject object = store(ReplicaPaths.walSegmentKey(generation, index, offset, compression),
				new StoredObject(generation, index, offset, compression, read(content), this.clock.instant()));
		return new WalSegmentInfo(generation, index, offset, object.data().length, object.createdAt(), compression);
	}

	@Override
	public WalSegmentInfo replaceWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content, Instant createdAt) throws IOException {
		String key = ReplicaPaths.walSegmentKey(generation, index, offset, compression);
		StoredObject object = new StoredObject(generation, index, offset, compression, read(content), createdAt);
		this.objects.put(key, object);
		return new WalSegmentInfo(generation, index, offset, object.data().length, createdAt, compression);
	}

	@Override
	public InputStream openSnapshot(Generation generation, long index, Compression compression) throws IOException {
		return new ByteArrayInputStream(find(ReplicaPaths.snapshotKey(generation, index, compression)).data());
	}

	@Override
	public InputStream openWalSegment(Generation generation, long index, long offset, Compression compression)
			throws IOException {
		return new ByteArrayInputStream(
				find(ReplicaPaths.walSegmentKey(generation, index, offset, compression)).data());
	}

	@Override
	public void deleteSnapshots(Collection<SnapshotInfo> snapshots) {
		for (SnapshotInfo snapshot : snapshots) {
			this.objects.remove(ReplicaPaths.key(snapshot));
		}
	}

	@Override
	public void deleteWalSegments(Collection<WalSegmentInfo> segments) {
		for (WalSegmentInfo segment : segments) {
			this.objects.remove(ReplicaPaths.key(segment));
		}
	}

	@Override
	public void deleteGeneration(Generation generation) {
		this.objects.values().removeIf((object) -> object.generation().equals(generation));
	}

	@Override
	public boolean supportsLease() {
		return true;
	}

	@Override
	public synchronized Optional<StoredLease> readLease() {
		return Optional.ofNullable(this.lease);
	}

	@Override
	public synchronized StoredLease createLease(byte[] content) throws IOException {
		if (this.lease != null) {
			throw new FileAlreadyExistsException("lease");
		}
		this.lease = new StoredLease(content, "v" + (++this.leaseVersions));
		return this.lease;
	}

	@Override
	public synchronized StoredLease replaceLease(StoredLease current, byte[] content) throws IOException {
		requireLease(current);
		this.lease = new StoredLease(content, "v" + (++this.leaseVersions));
		return this.lease;
	}

	private void requireLease(StoredLease current) throws LeaseConflictException {
		if (this.lease == null || !this.lease.version().equals(current.version())) {
			throw new LeaseConflictException("lease is at " + ((this.lease != null) ? this.lease.version() : "none")
					+ ", not " + current.version());
		}
	}

	@Override
	public Optional<Instant> exactCreatedAt(SnapshotInfo snapshot) throws IOException {
		return Optional.of(find(ReplicaPaths.key(snapshot)).createdAt());
	}

	@Override
	public Optional<Instant> exactCreatedAt(WalSegmentInfo segment) throws IOException {
		return Optional.of(find(ReplicaPaths.key(segment)).createdAt());
	}

	private StoredObject store(String key, StoredObject object) throws FileAlreadyExistsException {
		if (this.objects.putIfAbsent(key, object) != null) {
			throw new FileAlreadyExistsException(key, null, "object exists in " + location());
		}
		return object;
	}

	private StoredObject find(String key) throws NoSuchFileException {
		StoredObject object = this.objects.get(key);
		if (object == null) {
			throw new NoSuchFileException(key, null, "no such object in " + location());
		}
		return object;
	}

	private static byte[] read(ObjectContent content) throws IOException {
		byte[] data;
		try (InputStream in = content.open()) {
			data = in.readAllBytes();
		}
		if (data.length != content.length()) {
			throw new IOException("content was " + data.length + " bytes, its length said " + content.length());
		}
		return data;
	}

	private record StoredObject(Generation generation, long index, long offset, Compression compression, byte[] data,
			Instant createdAt) {
	}

}
