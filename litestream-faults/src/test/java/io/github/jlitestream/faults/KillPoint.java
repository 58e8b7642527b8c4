package io.github.jlitestream.faults;

/**
 * Where a trial of the kill campaign kills the engine: at a random moment, or stopped
 * inside one of the places where a crash hurts most.
 */
enum KillPoint {

	/** Wherever the engine is after a random delay. */
	RANDOM("random"),

	/**
	 * Inside the locked phase of a checkpoint or a snapshot's freeze (SQLite's write lock
	 * held), before or after the backfill.
	 */
	CHECKPOINT("checkpoint"),

	/** Half-way through a snapshot's bytes reaching the store. */
	SNAPSHOT_UPLOAD("snapshot-upload"),

	/** Half-way through a WAL segment's bytes reaching the store. */
	SEGMENT_UPLOAD("segment-upload"),

	/** Between retention's deletes: some old objects gone, others not yet. */
	RETENTION("retention"),

	/**
	 * Inside a compaction: half-way through the compacted index replacing its first
	 * segment, or before the segments it replaced are deleted.
	 */
	COMPACTION("compaction");

	private final String label;

	KillPoint(String label) {
		this.label = label;
	}

	String label() {
		return this.label;
	}

	static KillPoint of(String label) {
		for (KillPoint point : values()) {
			if (point.label.equals(label)) {
				return point;
			}
		}
		throw new IllegalArgumentException("No kill point '" + label + "'");
	}

}
