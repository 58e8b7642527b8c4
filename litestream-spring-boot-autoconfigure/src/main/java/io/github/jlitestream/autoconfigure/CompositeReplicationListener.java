package io.github.jlitestream.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ReplicationListener;
import org.jspecify.annotations.Nullable;

/**
 * Passes every event to several listeners.
 */
final class CompositeReplicationListener implements ReplicationListener {

	private final List<ReplicationListener> listeners;

	CompositeReplicationListener(List<ReplicationListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void onWalCopied(String database, long bytes) {
		this.listeners.forEach((l) -> l.onWalCopied(database, bytes));
	}

	@Override
	public void onCheckpoint(String database, CheckpointMode mode, Duration duration, @Nullable Throwable failure) {
		this.listeners.forEach((l) -> l.onCheckpoint(database, mode, duration, failure));
	}

	@Override
	public void onGenerationChange(String database, Generation generation, String reason) {
		this.listeners.forEach((l) -> l.onGenerationChange(database, generation, reason));
	}

	@Override
	public void onSync(String database, String replica, Duration duration, @Nullable Throwable failure) {
		this.listeners.forEach((l) -> l.onSync(database, replica, duration, failure));
	}

	@Override
	public void onReplicaOperation(String database, String replica, String operation, long bytes, Duration duration,
			@Nullable Throwable failure) {
		this.listeners.forEach((l) -> l.onReplicaOperation(database, replica, operation, bytes, duration, failure));
	}

	@Override
	public void onSnapshot(String database, String replica, long bytes, Duration duration,
			@Nullable Throwable failure) {
		this.listeners.forEach((l) -> l.onSnapshot(database, replica, bytes, duration, failure));
	}

	@Override
	public void onRetentionDeleted(String database, String replica, String kind, int count) {
		this.listeners.forEach((l) -> l.onRetentionDeleted(database, replica, kind, count));
	}

	@Override
	public void onCompaction(String database, String replica, int indexes, long bytesBefore, long bytesAfter,
			int deleted) {
		this.listeners.forEach((l) -> l.onCompaction(database, replica, indexes, bytesBefore, bytesAfter, deleted));
	}

	@Override
	public void onThreadFailure(String database, String thread, Throwable failure) {
		this.listeners.forEach((l) -> l.onThreadFailure(database, thread, failure));
	}

	@Override
	public void onRestore(String database, long bytes, Duration duration, @Nullable Throwable failure) {
		this.listeners.forEach((l) -> l.onRestore(database, bytes, duration, failure));
	}

}
