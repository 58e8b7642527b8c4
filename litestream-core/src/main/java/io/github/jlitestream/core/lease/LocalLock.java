package io.github.jlitestream.core.lease;

import java.io.IOException;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import io.github.jlitestream.core.util.LocalFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right of one engine on this host to replicate a database: an OS lock on the file
 * {@code lock} in the engine's local directory, held while it replicates. The lock is on
 * a file of the engine's own, never on the database, its WAL or its {@code -shm}: closing
 * a descriptor of those would drop SQLite's POSIX locks of the whole process.
 * <p>
 * POSIX locks belong to a process, so engines of one JVM are told apart by a table of the
 * directories locked in it; and since closing any descriptor of a locked file drops the
 * process's lock on it, the lock file is only ever opened once per JVM at a time. The
 * holder's pid, host and start are written beside it ({@code lock-holder}) for the
 * standby to report. The directory also keeps an id of its own ({@code id}), which the
 * replica lease records: an engine that holds this lock knows that a lease held under
 * that id belonged to an engine that has stopped.
 *
 * @since 0.1.0
 */
public final class LocalLock implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LocalLock.class);

	static final String LOCK = "lock";

	static final String HOLDER = "lock-holder";

	static final String ID = "id";

	/** The directories locked in this JVM, by real path. */
	private static final Map<Path, LocalLock> held = new HashMap<>();

	private final Path dir;

	private final FileChannel channel;

	private final FileLock lock;

	private final String localId;

	private final Holder holder;

	private LocalLock(Path dir, FileChannel channel, FileLock lock, String localId, Holder holder) {
		this.dir = dir;
		this.channel = channel;
		this.lock = lock;
		this.localId = localId;
		this.holder = holder;
	}

	/**
	 * Takes the lock of a local directory if no engine holds it, in this process or
	 * another.
	 * @param metaPath the engine's local directory, created when missing
	 * @param holder who takes it
	 * @return the lock, or empty when another engine holds it
	 * @throws IOException when the directory or the lock file cannot be used
	 */
	public static Optional<LocalLock> tryAcquire(Path metaPath, Holder holder) throws IOException {
		Files.createDirectories(metaPath);
		Path dir = metaPath.toRealPath();
		synchronized (held) {
			if (held.containsKey(dir)) {
				return Optional.empty();
			}
			FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = channel.tryLock();
			}
			catch (IOException | OverlappingFileLockException ex) {
				channel.close();
				throw new IOException("Cannot lock " + dir.resolve(LOCK) + ": " + ex.getMessage(), ex);
			}
			if (lock == null) {
				// No other descriptor of the file is open in this JVM (the table says
				// so),
				// so closing this one drops no lock.
				channel.close();
				return Optional.empty();
			}
			try {
				String localId = localId(dir);
				byte[] record = holder.encode();
				LocalFiles.writeAtomically(dir.resolve(HOLDER), (tmp) -> Files.write(tmp, record), true);
				LocalLock acquired = new LocalLock(dir, channel, lock, localId, holder);
				held.put(dir, acquired);
				return Optional.of(acquired);
			}
			catch (IOException | RuntimeException ex) {
				channel.close();
				throw ex;
			}
		}
	}

	/**
	 * Who holds, or last held, the lock of a local directory, as it wrote beside it.
	 * @return the holder, or empty when none is recorded or the record is unreadable
	 */
	public static Optional<Holder> holder(Path metaPath) {
		try {
			return Optional.of(Holder.decode(Files.readAllBytes(metaPath.resolve(HOLDER))));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException | IllegalArgumentException ex) {
			logger.debug("Unreadable {} in {}: {}", HOLDER, metaPath, ex.getMessage());
			return Optional.empty();
		}
	}

	/** The id of the local directory, the same for every engine that locks it. */
	public String localId() {
		return this.localId;
	}

	/** Who holds it: this engine. */
	public Holder holder() {
		return this.holder;
	}

	/** Releases the lock; a standby engine may take it at once. */
	@Override
	public void close() {
		synchronized (held) {
			if (held.get(this.dir) != this) {
				return;
			}
			try {
				Files.deleteIfExists(this.dir.resolve(HOLDER));
			}
			catch (IOException ex) {
				logger.debug("Cannot delete {}: {}", this.dir.resolve(HOLDER), ex.getMessage());
			}
			try {
				this.lock.release();
				this.channel.close();
			}
			catch (IOException ex) {
				logger.warn("Cannot release the lock {}: {}", this.dir.resolve(LOCK), ex.getMessage());
			}
			held.remove(this.dir);
		}
	}

	private static String localId(Path dir) throws IOException {
		Path file = dir.resolve(ID);
		if (Files.exists(file)) {
			String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
			if (id.matches("[0-9a-f]{32}")) {
				return id;
			}
		}
		byte[] random = new byte[16];
		new SecureRandom().nextBytes(random);
		String id = HexFormat.of().formatHex(random);
		LocalFiles.writeAtomically(file, (tmp) -> Files.writeString(tmp, id + "\n", StandardCharsets.US_ASCII), true);
		return id;
	}

	/**
	 * The engine that holds a local lock.
	 *
	 * @param instance the engine's random id, new at each start
	 * @param host the host name
	 * @param pid the process id
	 * @param since when it took the lock
	 */
	public record Holder(String instance, String host, long pid, Instant since) {

		/** This process, now. */
		public static Holder thisProcess(String instance, Instant now) {
			return new Holder(instance, HostIdentity.hostName(), ProcessHandle.current().pid(), now);
		}

		/** One line for logs: pid, host and since when. */
		public String describe() {
			return "pid " + this.pid + " on " + this.host + ", since " + this.since;
		}

		byte[] encode() {
			return ("instance=" + this.instance + "\nhost=" + this.host + "\npid=" + this.pid + "\nsince=" + this.since
					+ "\n")
				.getBytes(StandardCharsets.UTF_8);
		}

		static Holder decode(byte[] content) {
			Properties values = new Properties();
			try {
				values.load(new StringReader(new String(content, StandardCharsets.UTF_8)));
				return new Holder(values.getProperty("instance", "?"), values.getProperty("host", "?"),
						Long.parseLong(values.getProperty("pid", "-1")), Instant.parse(values.getProperty("since")));
			}
			catch (IOException | NumberFormatException | DateTimeParseException | NullPointerException ex) {
				throw new IllegalArgumentException("unreadable lock holder: " + ex.getMessage(), ex);
			}
		}

	}

}
