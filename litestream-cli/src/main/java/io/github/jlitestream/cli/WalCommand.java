package io.github.jlitestream.cli;

import java.util.List;

import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.WalSegmentInfo;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wal}: every WAL segment of each replica, as Litestream lists them. */
@Command(name = "wal", mixinStandardHelpOptions = true,
		description = "Lists all WAL segments available for a database or replica.")
final class WalCommand extends ReplicaCommand {

	@Option(names = { "-generation", "--generation" }, paramLabel = "NAME",
			description = "Only the segments of this generation.")
	@Nullable String generation;

	@Override
	int run(List<SelectedReplica> replicas) {
		Table table = new Table("replica", "generation", "index", "offset", "size", "created");
		for (SelectedReplica replica : replicas) {
			for (GenerationListing listing : listing(replica, () -> GenerationListing.list(replica.client()))) {
				if (this.generation != null && !listing.generation().toString().equals(this.generation)) {
					continue;
				}
				for (WalSegmentInfo segment : listing.segments()) {
					table.row(replica.name(), segment.generation().toString(), segment.index(), segment.offset(),
							segment.size(), Formats.time(segment.createdAt()));
				}
			}
		}
		table.print(out(), this.json);
		return ExitCode.OK;
	}

}
