package io.github.jlitestream.core.capture;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import io.github.jlitestream.core.Position;
import org.jspecify.annotations.Nullable;

/**
 * When the engine noticed each batch of commits, by the shadow WAL position that ends it,
 * until every replica holds it: a replica's lag is the age of the oldest commit beyond
 * its position, measured from the commit, not from the last upload, so it keeps growing
 * while a store is unreachable.
 */
final class CommitLog {

	private final Deque<Mark> marks = new ArrayDeque<>();

	synchronized void record(Position end, Instant noticedAt, boolean generationStarted) {
		Instant since = noticedAt;
		if (generationStarted && !this.marks.isEmpty()) {
			// changes of the old generation not yet in a replica now reach it through the
			// new snapshot
			since = this.marks.peekFirst().noticedAt();
			this.marks.clear();
		}
		this.marks.addLast(new Mark(end, since));
	}

	synchronized @Nullable Instant oldestAfter(@Nullable Position position) {
		for (Mark mark : this.marks) {
			if (position == null || !mark.end().generation().equals(position.generation())
					|| mark.end().compareTo(position) > 0) {
				return mark.noticedAt();
			}
		}
		return null;
	}

	synchronized void durable(Position position) {
		while (!this.marks.isEmpty()) {
			Mark first = this.marks.peekFirst();
			if (!first.end().generation().equals(position.generation()) || first.end().compareTo(position) > 0) {
				return;
			}
			this.marks.removeFirst();
		}
	}

	private record Mark(Position end, Instant noticedAt) {
	}

}
