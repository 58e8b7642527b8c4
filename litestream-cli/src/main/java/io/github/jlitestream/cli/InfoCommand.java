package io.github.jlitestream.cli;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.StoredLease;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.lease.LeaseRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.json.JsonWriter;
import picocli.CommandLine.Command;

/**
 * {@code info}: what a replica holds: its restore window, storage, object count, newest
 * position and its time, and the lease holder.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
		description = "Shows what a replica holds: the restore window, storage, objects, the newest position and "
				+ "its time, and the instance holding its lease.")
final class InfoCommand extends ReplicaCommand {

	@Override
	int run(List<SelectedReplica> replicas) throws IOException {
		List<Map<String, Object>> infos = new ArrayList<>();
		for (SelectedReplica replica : replicas) {
			infos.add(info(replica));
		}
		if (this.json) {
			out().println(JsonWriter.standard().writeToString((infos.size() == 1) ? infos.get(0) : infos));
		}
		else {
			infos.forEach(this::print);
		}
		return ExitCode.OK;
	}

	private Map<String, Object> info(SelectedReplica replica) {
		List<GenerationListing> listings = listing(replica, () -> GenerationListing.list(replica.client()));
		long bytes = 0;
		long snapshots = 0;
		long segments = 0;
		Instant earliest = null;
		Instant newestAt = null;
		WalSegmentInfo newestSegment = null;
		GenerationListing newest = null;
		for (GenerationListing listing : listings) {
			bytes += listing.bytes();
			snapshots += listing.snapshots().size();
			segments += listing.segments().size();
			for (SnapshotInfo snapshot : listing.snapshots()) {
				earliest = (earliest == null || snapshot.createdAt().isBefore(earliest)) ? snapshot.createdAt()
						: earliest;
			}
			Instant updated = listing.updatedAt();
			if (updated != null && (newestAt == null || updated.isAfter(newestAt))) {
				newestAt = updated;
				newest = listing;
				newestSegment = listing.segments().isEmpty() ? null
						: listing.segments().get(listing.segments().size() - 1);
			}
		}
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("replica", replica.name());
		info.put("location", replica.client().location());
		info.put("generations", listings.size());
		info.put("restorableFrom", (earliest != null) ? Formats.time(earliest) : null);
		info.put("restorableTo", (newestAt != null) ? Formats.time(newestAt) : null);
		info.put("bytes", bytes);
		info.put("objects", snapshots + segments);
		info.put("snapshots", snapshots);
		info.put("walSegments", segments);
		info.put("newestGeneration", (newest != null) ? newest.generation().toString() : null);
		info.put("newestPosition", (newestSegment != null) ? newestSegment.position().toString() : null);
		info.put("newestAt", (newestAt != null) ? Formats.time(newestAt) : null);
		info.put("lease", lease(replica));
		return info;
	}

	private static @Nullable String lease(SelectedReplica replica) {
		if (!replica.client().supportsLease()) {
			return "not supported by this store";
		}
		try {
			Optional<StoredLease> stored = replica.client().readLease();
			if (stored.isEmpty()) {
				return "none";
			}
			return LeaseRecord.decode(stored.get().content(), "lease").describe();
		}
		catch (IOException | RuntimeException ex) {
			return "cannot read it: " + ex.getMessage();
		}
	}

	private void print(Map<String, Object> info) {
		out().println("replica:         " + info.get("replica") + " (" + info.get("location") + ")");
		out().println("generations:     " + info.get("generations"));
		out().println("restore window:  " + ((info.get("restorableFrom") != null)
				? info.get("restorableFrom") + " to " + info.get("restorableTo") : "none (no snapshot)"));
		out().println("newest:          "
				+ ((info.get("newestGeneration") != null) ? "generation " + info.get("newestGeneration")
						+ ((info.get("newestPosition") != null) ? ", position " + info.get("newestPosition") : "")
						+ " at " + info.get("newestAt") : "nothing"));
		long bytes = (Long) info.get("bytes");
		out().println("storage:         " + bytes + " bytes (" + Formats.bytes(bytes) + ") in " + info.get("objects")
				+ " objects (" + info.get("snapshots") + " snapshots, " + info.get("walSegments") + " WAL segments)");
		out().println("lease:           " + info.get("lease"));
	}

}
