package io.github.jlitestream.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.rollback.RollbackIntent;
import io.github.jlitestream.core.rollback.StagedRollback;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.json.JsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rollback}: stages a rollback of a database to a point in time, as the endpoint's
 * {@code rollback} action does, for a service that is down (or running: the live database
 * is not touched): the target is restored, verified, beside the database, and the
 * application applies it at its next start. {@code -cancel} cancels it, {@code -show}
 * shows the staged one and the last one applied.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
		description = "Stages a rollback of a database to a point in time, applied by the application at its next "
				+ "start (the database before it kept beside it).")
final class RollbackCommand extends ReplicaCommand {

	@Mixin
	TargetArguments target = new TargetArguments();

	@Option(names = { "-db", "--db" }, paramLabel = "PATH",
			description = "The database file, with a replica URL (a configuration names it already).")
	@Nullable Path database;

	@Option(names = { "-cancel", "--cancel" }, description = "Cancel the staged rollback.")
	boolean cancel;

	@Option(names = { "-show", "--show" }, description = "Show the staged rollback and the last one applied.")
	boolean show;

	@Override
	int run(List<SelectedReplica> replicas) throws IOException {
		Path path = databasePath(replicas);
		StagedRollback rollback = new StagedRollback(path, Clock.systemUTC());
		if (this.show) {
			Map<String, Object> shown = new LinkedHashMap<>();
			shown.put("database", path.toString());
			shown.put("staged", rollback.staged().map(RollbackCommand::describe).orElse(null));
			shown.put("lastApplied", rollback.lastApplied().map(RollbackCommand::describe).orElse(null));
			if (this.json) {
				out().println(JsonWriter.standard().writeToString(shown));
			}
			else {
				out().println("database:      " + path);
				out().println("staged:        " + ((shown.get("staged") != null) ? shown.get("staged") : "none"));
				out().println(
						"last applied:  " + ((shown.get("lastApplied") != null) ? shown.get("lastApplied") : "none"));
			}
			return ExitCode.OK;
		}
		if (this.cancel) {
			Optional<RollbackIntent> cancelled;
			try {
				cancelled = rollback.cancel();
			}
			catch (LitestreamException ex) {
				throw new CliException(ExitCode.FAILURE, ex.getMessage(), ex);
			}
			if (cancelled.isEmpty()) {
				throw CliException.usage("no rollback is staged for " + path);
			}
			out().println("cancelled the rollback of " + path + " to " + cancelled.get().target());
			return ExitCode.OK;
		}
		return stage(replicas, path, rollback);
	}

	private int stage(List<SelectedReplica> replicas, Path path, StagedRollback rollback) throws IOException {
		Instant at = this.target.timestamp();
		Generation from = this.target.generation();
		Long upTo = this.target.index();
		if (at == null && from == null) {
			throw CliException.usage("give -timestamp, or -generation (with -index for one of its WAL indexes)");
		}
		if (at != null && upTo != null) {
			throw CliException.usage("cannot specify index & timestamp to roll back to");
		}
		String target = (at != null) ? "timestamp " + at
				: "generation " + from + ((upTo != null) ? " index %08x".formatted(upTo) : "");
		try {
			rollback.prepare();
		}
		catch (LitestreamException ex) {
			throw new CliException(ExitCode.FAILURE, ex.getMessage(), ex);
		}
		RestoreResult result;
		try (Progress progress = new Progress("rollback", 0, false, err())) {
			result = Restorer.restoreFrom(
					replicas.stream().map((r) -> new Restorer.Source(r.client(), r.codec())).toList(),
					RestoreOptions.builder(rollback.stagedFile()).generation(from).timestamp(at).index(upTo).build(),
					progress);
		}
		catch (NoBackupException ex) {
			rollback.cancel();
			throw new CliException(ExitCode.NO_BACKUP, "nothing to roll back to: " + ex.getMessage(), ex);
		}
		catch (IOException | RuntimeException ex) {
			rollback.cancel();
			throw ex;
		}
		RollbackIntent intent = rollback.record(target, result,
				"litestream-cli by " + System.getProperty("user.name", "unknown"));
		out().println("staged the rollback of " + path + " to " + target + ": " + intent.position() + " (last change "
				+ Formats.time(intent.lastChangeAt()) + "); the application applies it at its next start, keeping "
				+ "the database before it beside it");
		return ExitCode.OK;
	}

	private static String describe(RollbackIntent intent) {
		return intent.target() + " (" + intent.state() + ", position " + intent.position() + ", requested "
				+ intent.requestedAt() + " by " + intent.requestedBy()
				+ ((intent.aside() != null) ? ", before it: " + intent.aside() : "") + ")";
	}

	private Path databasePath(List<SelectedReplica> replicas) {
		if (this.database != null) {
			return this.database.toAbsolutePath();
		}
		Path configured = replicas.isEmpty() ? null : replicas.get(0).database();
		if (configured == null) {
			throw CliException.usage("give -db PATH: the database the rollback is for (or -config naming it)");
		}
		return configured;
	}

}
