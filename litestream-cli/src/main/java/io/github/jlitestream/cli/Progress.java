package io.github.jlitestream.cli;

import java.io.PrintWriter;
import java.time.Duration;

import io.github.jlitestream.core.restore.RestoreProgress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * A restore's or a verification's progress: on a terminal a progress bar (bytes, rate,
 * time left, objects), otherwise a plain line at most every five seconds and at the end,
 * without control characters, for logs.
 */
final class Progress implements RestoreProgress, AutoCloseable {

	private static final long LINE_INTERVAL_NANOS = Duration.ofSeconds(5).toNanos();

	private final String task;

	private final long totalBytes;

	private final PrintWriter err;

	private final @Nullable ProgressBar bar;

	private final long started = System.nanoTime();

	private long lastLine = System.nanoTime();

	private int objectsDone;

	private int objectsTotal;

	private long bytes;

	Progress(String task, long totalBytes, boolean terminal, PrintWriter err) {
		this.task = task;
		this.totalBytes = totalBytes;
		this.err = err;
		this.bar = terminal ? new ProgressBarBuilder().setTaskName(task)
			.setInitialMax(Math.max(1, totalBytes))
			.setUnit(" MB", 1_000_000)
			.setStyle(ProgressBarStyle.ASCII)
			.showSpeed()
			.setUpdateIntervalMillis(200)
			.continuousUpdate()
			.build() : null;
	}

	/** Whether the process writes to a terminal: where a progress bar can be drawn. */
	static boolean onTerminal() {
		return System.console() != null;
	}

	@Override
	public synchronized void progress(int objectsDone, int objectsTotal, long bytesDownloaded) {
		this.objectsDone = objectsDone;
		this.objectsTotal = objectsTotal;
		this.bytes = bytesDownloaded;
		if (this.bar != null) {
			this.bar.stepTo(Math.min(bytesDownloaded, Math.max(1, this.totalBytes)));
			this.bar.setExtraMessage(" " + objectsDone + "/" + objectsTotal + " objects");
			return;
		}
		long now = System.nanoTime();
		if (now - this.lastLine >= LINE_INTERVAL_NANOS) {
			this.lastLine = now;
			this.err.println(line());
			this.err.flush();
		}
	}

	private String line() {
		double seconds = Math.max(1e-3, (System.nanoTime() - this.started) / 1e9);
		double rate = this.bytes / seconds;
		String left = (rate > 0 && this.totalBytes > this.bytes)
				? ", about " + Math.round((this.totalBytes - this.bytes) / rate) + " s left" : "";
		return this.task + ": " + this.objectsDone + "/" + this.objectsTotal + " objects, " + Formats.bytes(this.bytes)
				+ " of " + Formats.bytes(this.totalBytes) + ", " + Formats.bytes(Math.round(rate)) + "/s" + left;
	}

	@Override
	public synchronized void close() {
		if (this.bar != null) {
			this.bar.stepTo(Math.max(1, this.totalBytes));
			this.bar.close();
		}
	}

}
