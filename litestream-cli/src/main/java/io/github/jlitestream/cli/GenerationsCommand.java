package io.github.jlitestream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.util.SqliteFiles;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;

/**
 * {@code generations}: each generation of each replica, its lag behind the database (or
 * now, for a URL) and the time range it covers, as Litestream lists them.
 */
@Command(name = "generations", mixinStandardHelpOptions = true,
		description = "Lists all generations for a database or replica, with their lag behind the primary database "
				+ "and the time range they cover.")
final class GenerationsCommand extends ReplicaCommand {

	@Override
	int run(List<SelectedReplica> replicas) throws IOException {
		Table table = new Table("name", "generation", "lag", "start", "end");
		for (SelectedReplica replica : replicas) {
			Instant updated = databaseUpdatedAt(replica.database());
			for (GenerationListing listing : listing(replica, () -> GenerationListing.list(replica.client()))) {
				Instant end = listing.updatedAt();
				String lag = (end != null) ? Formats.lag(Duration.between(end, updated)) : "";
				table.row(replica.name(), listing.generation().toString(), lag, Formats.time(listing.createdAt()),
						Formats.time(end));
			}
		}
		table.print(out(), this.json);
		return ExitCode.OK;
	}

	/** The newest change of the database's files, else now (as Litestream). */
	private static Instant databaseUpdatedAt(@Nullable Path database) throws IOException {
		if (database == null || !Files.exists(database)) {
			return Instant.now();
		}
		Instant updated = Files.getLastModifiedTime(database).toInstant();
		Path wal = SqliteFiles.walPath(database);
		if (Files.exists(wal)) {
			Instant walUpdated = Files.getLastModifiedTime(wal).toInstant();
			updated = walUpdated.isAfter(updated) ? walUpdated : updated;
		}
		return updated;
	}

}
