package io.github.jlitestream.faults;

import java.util.ArrayList;
import java.util.List;

import io.github.jlitestream.core.testing.ChildProcess;

/**
 * What the writer process said about its commits: for each sequence number, the last row
 * id it wrote, its kind and when the commit returned (epoch milliseconds).
 */
final class WriterLog {

	private final ChildProcess writer;

	private final List<Commit> commits = new ArrayList<>();

	private int linesRead;

	WriterLog(ChildProcess writer) {
		this.writer = writer;
	}

	/** Every commit the writer reported so far, by sequence number from 1. */
	synchronized List<Commit> commits() {
		List<String> lines = this.writer.lines();
		for (; this.linesRead < lines.size(); this.linesRead++) {
			String line = lines.get(this.linesRead);
			if (line.startsWith("C ")) {
				String[] parts = line.split(" ");
				Commit commit = new Commit(Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3],
						Long.parseLong(parts[4]));
				if (commit.seq() != this.commits.size() + 1) {
					throw new IllegalStateException("The writer skipped from commit " + this.commits.size() + " to "
							+ commit.seq() + ": " + line);
				}
				this.commits.add(commit);
			}
		}
		return List.copyOf(this.commits);
	}

	/** One commit that returned in the writer. */
	record Commit(long seq, long lastId, String kind, long returnedAt) {
	}

}
