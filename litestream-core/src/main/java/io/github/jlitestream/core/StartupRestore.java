package io.github.jlitestream.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.capture.RestoredState;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.lease.ReplicaLease;
import io.github.jlitestream.core.ship.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a restore at startup does besides the restore: waits for the replicas' leases when
 * asked to, and lets the engine continue the restored generation.
 */
final class StartupRestore {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseReplication.class);

	private StartupRestore() {
	}

	/**
	 * Waits until no other instance holds any of the replicas' leases (released,
	 * unchanged for a TTL, or none), so that a restore at start includes the previous
	 * holder's final sync: the new instance of a deploy that stops the old one.
	 * @param timeout the longest wait for each replica
	 * @return whether every lease is free; false when the timeout passed first (then
	 * logged)
	 */
	static boolean awaitLeasesFree(Database database, List<Replica> replicas, Duration timeout)
			throws IOException, InterruptedException {
		boolean free = true;
		for (Replica replica : replicas) {
			ReplicaLease lease = replica.lease();
			if (lease == null) {
				continue;
			}
			long started = System.nanoTime();
			Optional<String> why = lease.awaitFree(timeout);
			if (why.isPresent()) {
				logger.info("db={} restore: the replica's lease is free ({}) after {} ms", database.name(), why.get(),
						(System.nanoTime() - started) / 1_000_000);
			}
			else {
				free = false;
				logger.warn(
						"db={} restore: another instance still held a replica's lease after {}; restoring what "
								+ "the replicas hold now, which may lack that instance's last changes",
						database.name(), timeout);
			}
		}
		return free;
	}

	/**
	 * Lets the engine continue the generation just restored at its next WAL index, rather
	 * than upload the whole database again as a new generation (Litestream uploads a new
	 * snapshot at every start on a fresh disk): the restored file is the state at
	 * {@code end}, the newest of its generation, and the replica's WAL of that index
	 * becomes the local shadow WAL. When that is not possible (the index has no WAL
	 * segment, the store cannot be read) the next start begins a new generation as
	 * before, and the log says why.
	 */
	static void continueGeneration(Database database, List<Replica> replicas, Position end) {
		for (Replica replica : replicas) {
			try {
				List<WalSegmentInfo> segments = replica.client()
					.walSegments(end.generation())
					.stream()
					.filter((segment) -> segment.index() == end.index() && segment.offset() < end.offset())
					.sorted(WalSegmentInfo.BY_POSITION)
					.toList();
				if (segments.isEmpty() || segments.get(0).offset() != 0) {
					continue;
				}
				// one segment open at a time: an index can have thousands
				Iterator<WalSegmentInfo> next = segments.iterator();
				Enumeration<InputStream> parts = new Enumeration<>() {

					@Override
					public boolean hasMoreElements() {
						return next.hasNext();
					}

					@Override
					public InputStream nextElement() {
						WalSegmentInfo segment = next.next();
						try {
							return replica.codec()
								.decode(replica.client()
									.openWalSegment(segment.generation(), segment.index(), segment.offset(),
											segment.compression()),
										ReplicaPaths.key(segment));
						}
						catch (IOException ex) {
							throw new UncheckedIOException(ex);
						}
					}

				};
				try (InputStream wal = new SequenceInputStream(parts)) {
					RestoredState.adopt(database.options(), end.generation(), end.index(), wal, end.offset());
				}
				logger.info("db={} continues generation {} after the restore, at WAL index {}: no new snapshot",
						database.name(), end.generation(), end.index() + 1);
				return;
			}
			catch (IOException | RuntimeException ex) {
				logger.warn("db={} replica={} cannot continue the restored generation {} ({}); it starts a new one",
						database.name(), replica.name(), end.generation(), ex.getMessage());
				return;
			}
		}
		logger.info("db={} starts a new generation after the restore: index {} of generation {} has no WAL segment "
				+ "to continue from", database.name(), end.index(), end.generation());
	}

}
