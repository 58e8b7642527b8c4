package io.github.jlitestream.core.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.StoredLease;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.util.LocalFiles;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica in a local directory, laid out as Litestream v0.3's file replica. An object
 * is written to a temporary file of its own ({@code <name>.<random>.tmp}, which no
 * listing takes for an object), forced to disk, and then linked under its name only if
 * that name is free, so a reader never sees half an object and an object is never
 * replaced. The directory is forced to disk too (and so are the parents of directories
 * the write created), so the new name survives a power loss of the replica's host.
 *
 * @since 0.1.0
 */
public final class FileReplicaClient implements ReplicaClient {

	private static final Logger logger = LoggerFactory.getLogger(FileReplicaClient.class);

	/**
	 * How far a file's modification time can lag the precise clock: kernels date writes
	 * with a coarse clock, updated once a timer tick (10 ms at Linux's lowest common rate
	 * of 100 Hz, 15.6 ms on Windows); twice the longest tick leaves room for a late one.
	 */
	public static final Duration COARSE_CLOCK_LAG = Duration.ofMillis(32);

	/** The user extended attribute holding an object's exact creation time (ISO-8601). */
	static final String CREATED_AT_ATTRIBUTE = "litestream.created-at";

	/**
	 * The resolution of a time without a fraction of a second: file systems that keep
	 * whole seconds (ext3, HFS+, several FUSE and network file systems) or two (FAT),
	 * plus the coarse clock's lag.
	 */
	public static final Duration WHOLE_SECONDS = Duration.ofSeconds(2).plus(COARSE_CLOCK_LAG);

	private final Path root;

	private final ObjectFileWriter writer;

	private final LeaseFile lease;

	public FileReplicaClient(Path root) {
		this(root, LocalFiles::forceDirectory);
	}

	/**
	 * A client whose directory fsyncs go through {@code directorySync}, for tests that
	 * watch them.
	 */
	FileReplicaClient(Path root, DirectorySync directorySync) {
		this.root = root.toAbsolutePath().normalize();
		this.writer = new ObjectFileWriter(this.root, this::location, directorySync);
		this.lease = new LeaseFile(this.root, this::location, this.writer);
	}

	/** The replica's root directory. */
	public Path root() {
		return this.root;
	}

	@Override
	public String type() {
		return "file";
	}

	@Override
	public String location() {
		return this.root.toUri().toString();
	}

	@Override
	public List<Generation> generations() throws IOException {
		Path dir = this.root.resolve(ReplicaPaths.GENERATIONS);
		List<Generation> generations = new ArrayList<>();
		for (Path child : list(dir)) {
			String name = child.getFileName().toString();
			if (Generation.isValid(name) && Files.isDirectory(child)) {
				generations.add(new Generation(name));
			}
		}
		generations.sort(Comparator.naturalOrder());
		return generations;
	}

	@Override
	public List<SnapshotInfo> snapshots(Generation generation) throws IOException {
		List<SnapshotInfo> snapshots = new ArrayList<>();
		for (Path file : list(this.root.resolve(ReplicaPaths.snapshotsDir(generation)))) {
			OptionalLong index = ReplicaPaths.parseSnapshotName(file.getFileName().toString());
			if (index.isPresent()) {
				BasicFileAttributes attributes = attributes(file);
				if (attributes != null) {
					snapshots.add(new SnapshotInfo(generation, index.getAsLong(), attributes.size(),
							attributes.lastModifiedTime().toInstant(),
							ReplicaPaths.parseCompression(file.getFileName().toString()).orElseThrow()));
				}
			}
		}
		snapshots.sort(Comparator.comparingLong(SnapshotInfo::index));
		return snapshots;
	}

	@Override
	public List<WalSegmentInfo> walSegments(Generation generation) throws IOException {
		List<WalSegmentInfo> segments = new ArrayList<>();
		for (Path file : list(this.root.resolve(ReplicaPaths.walDir(generation)))) {
			var name = ReplicaPaths.parseWalSegmentName(file.getFileName().toString());
			if (name.isPresent()) {
				BasicFileAttributes attributes = attributes(file);
				if (attributes != null) {
					segments.add(new WalSegmentInfo(generation, name.get().index(), name.get().offset(),
							attributes.size(), attributes.lastModifiedTime().toInstant(), name.get().compression()));
				}
			}
		}
		segments.sort(WalSegmentInfo.BY_POSITION);
		return segments;
	}

	@Override
	public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression, ObjectContent content)
			throws IOException {
		String key = ReplicaPaths.snapshotKey(generation, index, compression);
		Instant createdAt = this.writer.write(key, content);
		return new SnapshotInfo(generation, index, content.length(), createdAt, compression);
	}

	@Override
	public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content) throws IOException {
		String key = ReplicaPaths.walSegmentKey(generation, index, offset, compression);
		Instant createdAt = this.writer.write(key, content);
		return new WalSegmentInfo(generation, index, offset, content.length(), createdAt, compression);
	}

	@Override
	public WalSegmentInfo replaceWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content, Instant createdAt) throws IOException {
		String key = ReplicaPaths.walSegmentKey(generation, index, offset, compression);
		this.writer.replace(key, content, createdAt);
		return new WalSegmentInfo(generation, index, offset, content.length(), createdAt, compression);
	}

	@Override
	public InputStream openSnapshot(Generation generation, long index, Compression compression) throws IOException {
		return Files.newInputStream(this.root.resolve(ReplicaPaths.snapshotKey(generation, index, compression)));
	}

	@Override
	public InputStream openWalSegment(Generation generation, long index, long offset, Compression compression)
			throws IOException {
		return Files
			.newInputStream(this.root.resolve(ReplicaPaths.walSegmentKey(generation, index, offset, compression)));
	}

	@Override
	public void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException {
		for (SnapshotInfo snapshot : snapshots) {
			Files.deleteIfExists(this.root.resolve(ReplicaPaths.key(snapshot)));
		}
	}

	@Override
	public void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException {
		for (WalSegmentInfo segment : segments) {
			Files.deleteIfExists(this.root.resolve(ReplicaPaths.key(segment)));
		}
	}

	@Override
	public void deleteGeneration(Generation generation) throws IOException {
		Path dir = this.root.resolve(ReplicaPaths.generationDir(generation));
		if (!Files.exists(dir)) {
			return;
		}
		LocalFiles.deleteTree(dir);
	}

	/**
	 * The lease object is the file {@code lease} in the root directory: created with a
	 * hard link, replaced and deleted after a comparison under an OS lock (see
	 * {@link LeaseFile}).
	 */
	@Override
	public boolean supportsLease() {
		return true;
	}

	@Override
	public Optional<StoredLease> readLease() throws IOException {
		return this.lease.read();
	}

	@Override
	public StoredLease createLease(byte[] content) throws IOException {
		return this.lease.create(content);
	}

	@Override
	public StoredLease replaceLease(StoredLease current, byte[] content) throws IOException {
		return this.lease.replace(current, content);
	}

	/**
	 * Listed times are the files' modification times: an object was written before its
	 * time plus the kernel's coarse clock lag ({@link #COARSE_CLOCK_LAG}), or, for a time
	 * of whole seconds, which a file system that keeps only seconds gives (on one that
	 * keeps nanoseconds, once in a billion files), before its time plus two seconds and
	 * that lag. Where the file system keeps extended attributes, the exact time is
	 * recorded in one ({@link #exactCreatedAt(SnapshotInfo)}); elsewhere a point-in-time
	 * restore leaves out an object this close before its target.
	 */
	@Override
	public Duration listedTimeResolution(Instant listedAt) {
		return (listedAt.getNano() == 0) ? WHOLE_SECONDS : COARSE_CLOCK_LAG;
	}

	@Override
	public Optional<Instant> exactCreatedAt(SnapshotInfo snapshot) throws IOException {
		return readCreatedAt(this.root.resolve(ReplicaPaths.key(snapshot)));
	}

	@Override
	public Optional<Instant> exactCreatedAt(WalSegmentInfo segment) throws IOException {
		return readCreatedAt(this.root.resolve(ReplicaPaths.key(segment)));
	}

	private static Optional<Instant> readCreatedAt(Path file) throws IOException {
		if (!Files.exists(file)) {
			throw new NoSuchFileException(file.toString());
		}
		UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
		if (view == null) {
			return Optional.empty();
		}
		try {
			if (!view.list().contains(CREATED_AT_ATTRIBUTE)) {
				return Optional.empty();
			}
			ByteBuffer buffer = ByteBuffer.allocate(view.size(CREATED_AT_ATTRIBUTE));
			view.read(CREATED_AT_ATTRIBUTE, buffer);
			buffer.flip();
			return Optional.of(Instant.parse(StandardCharsets.US_ASCII.decode(buffer)));
		}
		catch (IOException | UnsupportedOperationException | DateTimeParseException ex) {
			// not recorded here, or by another writer: the listed time stands
			return Optional.empty();
		}
	}

	private static List<Path> list(Path dir) throws IOException {
		List<Path> result = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
			stream.forEach(result::add);
		}
		catch (NoSuchFileException ex) {
			// A directory that was never written is an empty listing.
		}
		return result;
	}

	private static @Nullable BasicFileAttributes attributes(Path file) throws IOException {
		try {
			return Files.readAttributes(file, BasicFileAttributes.class);
		}
		catch (NoSuchFileException ex) {
			return null; // deleted between listing and reading: not there any more
		}
	}

	/** Forces a directory's entries to disk. */
	@FunctionalInterface
	interface DirectorySync {

		void force(Path dir) throws IOException;

	}

}
