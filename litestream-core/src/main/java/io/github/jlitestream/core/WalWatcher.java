package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.jlitestream.core.util.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes database monitors when their WAL file changes, so that a commit is noticed within
 * milliseconds (inotify on Linux). Polling at the monitor interval stays as the fallback
 * for file systems without notifications.
 */
final class WalWatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WalWatcher.class);

	private final WatchService service;

	private final Map<Path, List<Runnable>> listeners = new ConcurrentHashMap<>();

	private final Map<Path, WatchKey> keys = new ConcurrentHashMap<>();

	private final Thread thread;

	WalWatcher() throws IOException {
		this.service = FileSystems.getDefault().newWatchService();
		this.thread = Threads.startDaemon("litestream-wal-watcher", this::run);
	}

	/**
	 * Calls {@code onChange} when {@code file} is created or modified. A notification
	 * disarms the watch on the file's directory until {@link #rearm(Path)}: a busy
	 * database writes its WAL tens of thousands of times a second, and handling each
	 * event would cost the application's writers more than half their throughput.
	 */
	void watch(Path file, Runnable onChange) throws IOException {
		this.listeners.computeIfAbsent(file.toAbsolutePath(), (f) -> new CopyOnWriteArrayList<>()).add(onChange);
		rearm(file);
	}

	/**
	 * Watches {@code file}'s directory again after a notification; call it before looking
	 * at the file.
	 */
	void rearm(Path file) {
		Path dir = file.toAbsolutePath().getParent();
		this.keys.computeIfAbsent(dir, (d) -> {
			try {
				return d.register(this.service, StandardWatchEventKinds.ENTRY_CREATE,
						StandardWatchEventKinds.ENTRY_MODIFY);
			}
			catch (IOException | ClosedWatchServiceException ex) {
				return null; // polling at the monitor interval still finds changes
			}
		});
	}

	private void run() {
		try {
			while (true) {
				WatchKey key = this.service.take();
				Path dir = (Path) key.watchable();
				// Disarm first, so that the monitors' rearm (before they copy) registers
				// a fresh watch.
				key.cancel();
				this.keys.remove(dir, key);
				key.pollEvents();
				// Every monitor of the directory is woken, whichever file the events
				// name: the watch is gone now, and a monitor that was not woken would not
				// re-arm it, so an event for the database file (written by a checkpoint)
				// would leave the WAL unwatched until the next poll.
				this.listeners.forEach((file, callbacks) -> {
					if (file.getParent().equals(dir)) {
						callbacks.forEach(Runnable::run);
					}
				});
			}
		}
		catch (InterruptedException | ClosedWatchServiceException ex) {
			// closing
		}
		catch (RuntimeException ex) {
			logger.warn("WAL watcher stopped, falling back to polling: {}", ex.toString());
		}
	}

	@Override
	public void close() throws IOException {
		this.service.close();
		this.thread.interrupt();
	}

}
