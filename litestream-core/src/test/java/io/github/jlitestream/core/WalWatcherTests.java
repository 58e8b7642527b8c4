package io.github.jlitestream.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watch on a WAL's directory is disarmed by every notification and re-armed only by a
 * monitor that was woken; these tests play the monitor's part.
 */
class WalWatcherTests {

	@TempDir
	Path dir;

	@Test
	void wakesTheMonitorWhenTheWalChanges() throws Exception {
		Path wal = Files.writeString(this.dir.resolve("app.db-wal"), "header");
		Semaphore woken = new Semaphore(0);
		try (WalWatcher watcher = new WalWatcher()) {
			watcher.watch(wal, woken::release);
			for (int i = 0; i < 3; i++) {
				Files.writeString(wal, "frame " + i);
				assertThat(woken.tryAcquire(10, TimeUnit.SECONDS)).as("woken by write %d", i).isTrue();
				woken.drainPermits();
				watcher.rearm(wal); // what the monitor does before it copies
			}
		}
	}

	/**
	 * A checkpoint writes the database file beside the WAL: that event disarms the
	 * directory's watch, so it must wake the monitor too, or the WAL's next commits would
	 * go unnoticed until the next poll.
	 */
	@Test
	void anEventForAnotherFileInTheDirectoryStillLeadsToTheWalBeingWatched() throws Exception {
		Path wal = Files.writeString(this.dir.resolve("app.db-wal"), "header");
		Path database = Files.writeString(this.dir.resolve("app.db"), "pages");
		Semaphore woken = new Semaphore(0);
		try (WalWatcher watcher = new WalWatcher()) {
			watcher.watch(wal, woken::release);
			Files.writeString(database, "checkpointed pages");
			// The monitor re-arms only when it was woken, as the real one does.
			if (woken.tryAcquire(10, TimeUnit.SECONDS)) {
				woken.drainPermits();
				watcher.rearm(wal);
			}
			Files.writeString(wal, "a commit after the checkpoint");
			assertThat(woken.tryAcquire(10, TimeUnit.SECONDS)).as("the commit after the checkpoint is noticed")
				.isTrue();
		}
	}

}
