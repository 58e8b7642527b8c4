package io.github.jlitestream.core.restore;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;

/**
 * Decides whether an object was created at or before a point-in-time restore's target. A
 * listed time decides alone when it is after the target, or when even the end of its
 * resolution is not (S3 lists whole seconds: an object listed at 12:00:00 was created
 * before 12:00:01). Only an object listed within the resolution before the target is
 * asked for the exact time its writer recorded, once; one that has none counts as after
 * the target, since it may hold a commit made after it.
 */
final class TargetTime {

	private final ReplicaClient client;

	private final Instant target;

	private final Map<String, Optional<Instant>> exact = new HashMap<>();

	TargetTime(ReplicaClient client, Instant target) {
		this.client = client;
		this.target = target;
	}

	Instant target() {
		return this.target;
	}

	/** How many exact times were asked for. */
	int lookups() {
		return this.exact.size();
	}

	/** What the listing alone says, without a request. */
	Listed listed(Instant listedAt) {
		if (listedAt.isAfter(this.target)) {
			return Listed.AFTER;
		}
		return listedAt.plus(resolution(listedAt)).isAfter(this.target) ? Listed.AMBIGUOUS : Listed.BEFORE;
	}

	Duration resolution(Instant listedAt) {
		Duration resolution = this.client.listedTimeResolution(listedAt);
		return (resolution.isNegative()) ? Duration.ZERO : resolution;
	}

	Verdict verdict(SnapshotInfo snapshot) throws IOException {
		return verdict(ReplicaPaths.key(snapshot), snapshot.createdAt(), () -> this.client.exactCreatedAt(snapshot));
	}

	Verdict verdict(WalSegmentInfo segment) throws IOException {
		return verdict(ReplicaPaths.key(segment), segment.createdAt(), () -> this.client.exactCreatedAt(segment));
	}

	/**
	 * Whether a segment compaction rewrote was created at or before the target, by the
	 * exact time it records alone (listed, it carries the time of the rewrite). A listed
	 * time at or before the target still decides: the rewrite came after the content.
	 */
	Verdict exactVerdict(WalSegmentInfo segment) throws IOException {
		if (listed(segment.createdAt()) == Listed.BEFORE) {
			return Verdict.BEFORE;
		}
		return byExactTime(ReplicaPaths.key(segment), () -> this.client.exactCreatedAt(segment));
	}

	/** The exact time of an object already asked about, if it has one. */
	Optional<Instant> knownExact(String key) {
		return this.exact.getOrDefault(key, Optional.empty());
	}

	private Verdict verdict(String key, Instant listedAt, Lookup lookup) throws IOException {
		switch (listed(listedAt)) {
			case BEFORE:
				return Verdict.BEFORE;
			case AFTER:
				return Verdict.AFTER;
			default:
				return byExactTime(key, lookup);
		}
	}

	/** By the exact time the object records, asked for once. */
	private Verdict byExactTime(String key, Lookup lookup) {
		Optional<Instant> time = this.exact.get(key);
		if (time == null) {
			time = lookUp(key, lookup);
			this.exact.put(key, time);
		}
		if (time.isEmpty()) {
			return Verdict.UNKNOWN;
		}
		return time.get().isAfter(this.target) ? Verdict.AFTER : Verdict.BEFORE;
	}

	private Optional<Instant> lookUp(String key, Lookup lookup) {
		try {
			return lookup.exactCreatedAt();
		}
		catch (NoSuchFileException ex) {
			throw new CorruptReplicaException(key, "missing: listed in the replica but gone when read");
		}
		catch (IOException ex) {
			throw new LitestreamException("Cannot read the creation time of " + key + " from " + this.client.location()
					+ ": " + ex.getMessage(), ex);
		}
	}

	/** What a listed time says about the target. */
	enum Listed {

		/** Created at or before the target. */
		BEFORE,

		/** Stored after the target. */
		AFTER,

		/**
		 * Listed within the store's resolution before the target: only the exact time can
		 * tell.
		 */
		AMBIGUOUS

	}

	/** Whether an object was created at or before the target. */
	enum Verdict {

		BEFORE,

		AFTER,

		/**
		 * Listed within the resolution before the target, without an exact time: it may
		 * be after the target.
		 */
		UNKNOWN

	}

	@FunctionalInterface
	private interface Lookup {

		Optional<Instant> exactCreatedAt() throws IOException;

	}

}
