package io.github.jlitestream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.restore.Restorer.PlannedRestore;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.json.JsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code restore}: a database from a replica, verified (every frame's checksum, then
 * SQLite's {@code integrity_check}) before it is moved into place; with Litestream's
 * flags, and {@code -dry-run} to print the plan without downloading.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
		description = "Recovers a database from a replica's snapshot and WAL, verified before it is moved into place.")
final class RestoreCommand extends ReplicaCommand {

	@Mixin
	TargetArguments target = new TargetArguments();

	@Option(names = { "-o", "--o" }, paramLabel = "PATH",
			description = "Output path of the restored database (default: the configured database's path).")
	@Nullable Path output;

	@Option(names = { "-parallelism", "--parallelism" }, paramLabel = "NUM", defaultValue = "8",
			description = "Objects downloaded at once (default: ${DEFAULT-VALUE}); small WAL segments eight times "
					+ "as many.")
	int parallelism;

	@Option(names = { "-if-db-not-exists", "--if-db-not-exists" },
			description = "Exit 0 without restoring when the output database exists.")
	boolean ifDbNotExists;

	@Option(names = { "-if-replica-exists", "--if-replica-exists" },
			description = "Exit 0 when the replica holds no backup that matches.")
	boolean ifReplicaExists;

	@Option(names = { "-dry-run", "--dry-run" },
			description = "Print what would be restored (replica, generation, snapshot, segments, bytes) and stop.")
	boolean dryRun;

	@Override
	int run(List<SelectedReplica> replicas) throws IOException {
		Instant at = this.target.timestamp();
		Long upTo = this.target.index();
		if (at != null && upTo != null) {
			throw CliException.usage("cannot specify index & timestamp to restore");
		}
		Generation chosen = this.target.generation();
		Path path = outputPath(replicas);
		if (Files.exists(path) && !this.dryRun) {
			if (this.ifDbNotExists) {
				err().println("database already exists, skipping: " + path);
				return ExitCode.OK;
			}
			throw new CliException(ExitCode.FAILURE, "cannot restore, output path already exists: " + path);
		}
		if (this.parallelism < 1) {
			throw CliException.usage("-parallelism " + this.parallelism + ": must be at least 1");
		}
		RestoreOptions options = RestoreOptions.builder(path)
			.generation(chosen)
			.timestamp(at)
			.index(upTo)
			.parallelism(this.parallelism)
			.build();
		List<Restorer.Source> sources = replicas.stream()
			.map((replica) -> new Restorer.Source(replica.client(), replica.codec()))
			.toList();
		Optional<PlannedRestore> plan = Restorer.plan(sources, options);
		if (plan.isEmpty()) {
			return noBackup(replicas);
		}
		SelectedReplica from = replicas.get(sources.indexOf(plan.get().source()));
		if (this.dryRun) {
			printPlan(from, plan.get(), path);
			return ExitCode.OK;
		}
		RestoreResult result;
		try (Progress progress = new Progress("restore", plan.get().bytes(), Progress.onTerminal(), err())) {
			result = Restorer.restoreFrom(List.of(plan.get().source()), options, progress);
		}
		catch (NoBackupException ex) {
			return noBackup(replicas);
		}
		catch (CorruptReplicaException ex) {
			throw new CliException(ExitCode.DAMAGED, "the replica is damaged: " + ex.getMessage(), ex);
		}
		printResult(from, result);
		return ExitCode.OK;
	}

	private int noBackup(List<SelectedReplica> replicas) {
		String where = String.join(", ", replicas.stream().map((r) -> r.client().location()).toList());
		if (this.ifReplicaExists) {
			err().println("no matching backups found in " + where);
			return ExitCode.OK;
		}
		throw new CliException(ExitCode.NO_BACKUP, "no matching backups found in " + where);
	}

	private Path outputPath(List<SelectedReplica> replicas) {
		if (this.output != null) {
			return this.output.toAbsolutePath();
		}
		Path database = replicas.isEmpty() ? null : replicas.get(0).database();
		if (database == null) {
			throw CliException.usage("output path required: give -o PATH");
		}
		return database;
	}

	private void printPlan(SelectedReplica from, PlannedRestore plan, Path path) {
		List<WalSegmentInfo> segments = plan.segments();
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("replica", from.name());
		summary.put("location", from.client().location());
		summary.put("generation", plan.generation().toString());
		summary.put("snapshotIndex", plan.snapshot().index());
		summary.put("snapshotBytes", plan.snapshot().size());
		summary.put("segments", segments.size());
		if (!segments.isEmpty()) {
			summary.put("firstSegment", segments.get(0).position().toString());
			summary.put("lastSegment", segments.get(segments.size() - 1).position().toString());
		}
		summary.put("bytes", plan.bytes());
		summary.put("lastChangeAt", Formats.time(plan.lastChangeAt()));
		summary.put("output", path.toString());
		if (plan.roundedDown() != null) {
			summary.put("roundedDown", plan.roundedDown());
		}
		if (this.json) {
			out().println(JsonWriter.standard().writeToString(summary));
			return;
		}
		out().println("would restore " + path + " from replica " + from.name() + " (" + from.client().location() + ")");
		out().println("  generation " + plan.generation() + ", snapshot at index " + plan.snapshot().index() + " ("
				+ plan.snapshot().size() + " bytes)");
		out().println("  " + segments.size() + " WAL segments" + (segments.isEmpty() ? ""
				: " from " + segments.get(0).position() + " to " + segments.get(segments.size() - 1).position()));
		out().println("  " + plan.bytes() + " bytes (" + Formats.bytes(plan.bytes()) + ") to download; newest object "
				+ Formats.time(plan.lastChangeAt()));
		if (plan.roundedDown() != null) {
			out().println("  note: " + plan.roundedDown());
		}
	}

	private void printResult(SelectedReplica from, RestoreResult result) {
		double seconds = Math.max(1e-3, result.duration().toNanos() / 1e9);
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("path", result.path().toString());
		summary.put("replica", from.name());
		summary.put("generation", result.position().generation().toString());
		summary.put("position", result.position().toString());
		summary.put("lastChangeAt", Formats.time(result.lastChangeAt()));
		summary.put("objects", result.segments() + 1);
		summary.put("downloadedBytes", result.downloadedBytes());
		summary.put("databaseBytes", result.databaseBytes());
		summary.put("seconds", Math.round(seconds * 1000) / 1000.0);
		summary.put("verified", "wal checksums, integrity_check");
		if (result.roundedDown() != null && this.target.timestamp() != null) {
			summary.put("roundedDown", result.roundedDown().describe(this.target.timestamp()));
		}
		if (result.compactedIndex() != null) {
			summary.put("compacted",
					"WAL index %08x, compacted (older than the compaction age), ends after the target: "
						.formatted(result.compactedIndex())
							+ "restored to the end of the index before it, without that index's commits before the "
							+ "target, if any");
		}
		if (this.json) {
			out().println(JsonWriter.standard().writeToString(summary));
			return;
		}
		out().printf("restored %s from replica %s, generation %s, position %s (last change %s)%n", result.path(),
				from.name(), result.position().generation(), result.position(), Formats.time(result.lastChangeAt()));
		out().printf(
				"  %d objects, %s downloaded in %.1f s (%s/s), %s database; verified: WAL checksums, "
						+ "integrity_check ok%n",
				result.segments() + 1, Formats.bytes(result.downloadedBytes()), seconds,
				Formats.bytes(Math.round(result.downloadedBytes() / seconds)), Formats.bytes(result.databaseBytes()));
		if (summary.containsKey("roundedDown")) {
			out().println("  note: " + summary.get("roundedDown"));
		}
		if (summary.containsKey("compacted")) {
			out().println("  note: " + summary.get("compacted"));
		}
	}

}
