package io.github.jlitestream.cli;

import java.util.List;

import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.SnapshotInfo;
import picocli.CommandLine.Command;

/** {@code snapshots}: every snapshot of each replica, as Litestream lists them. */
@Command(name = "snapshots", mixinStandardHelpOptions = true,
		description = "Lists all snapshots available for a database or replica.")
final class SnapshotsCommand extends ReplicaCommand {

	@Override
	int run(List<SelectedReplica> replicas) {
		Table table = new Table("replica", "generation", "index", "size", "created");
		for (SelectedReplica replica : replicas) {
			for (GenerationListing listing : listing(replica, () -> GenerationListing.list(replica.client()))) {
				for (SnapshotInfo snapshot : listing.snapshots()) {
					table.row(replica.name(), snapshot.generation().toString(), snapshot.index(), snapshot.size(),
							Formats.time(snapshot.createdAt()));
				}
			}
		}
		table.print(out(), this.json);
		return ExitCode.OK;
	}

}
