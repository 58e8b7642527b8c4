package io.github.jlitestream.actuate.endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.DatabaseStatus;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicaStatus;
import io.github.jlitestream.core.ReplicaStatus.LeaseStatus;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.ThreadStatus;
import io.github.jlitestream.core.VerificationStatus;
import io.github.jlitestream.core.lease.LeaseRecord;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.rollback.RollbackIntent;
import io.github.jlitestream.core.ship.Replica;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/litestream}: the replication status of every database and replica; per
 * database, the generations and snapshots in each replica; and, when write access is
 * granted ({@code management.endpoint.litestream.access=unrestricted}), the actions
 * {@code sync}, {@code snapshot} and {@code restore} (a point-in-time copy to a new file
 * in the directory {@value #RESTORE_DIRECTORY_PROPERTY} names, never the live database;
 * refused while it is unset).
 *
 * @since 0.1.0
 */
@Endpoint(id = "litestream", defaultAccess = Access.READ_ONLY)
public class LitestreamEndpoint {

	/** The property that names the directory the restore action may write in. */
	public static final String RESTORE_DIRECTORY_PROPERTY = "management.endpoint.litestream.restore-directory";

	private final ReplicationManager manager;

	private final Clock clock;

	private final @Nullable Path restoreDirectory;

	/**
	 * An endpoint whose {@code restore} action is refused.
	 * @param manager the replication manager
	 * @param clock the clock
	 */
	public LitestreamEndpoint(ReplicationManager manager, Clock clock) {
		this(manager, clock, null);
	}

	/**
	 * An endpoint whose {@code restore} action writes new files in
	 * {@code restoreDirectory} only.
	 * @param manager the replication manager
	 * @param clock the clock
	 * @param restoreDirectory where restores may write, or null to refuse them
	 * @since 0.2.0
	 */
	public LitestreamEndpoint(ReplicationManager manager, Clock clock, @Nullable Path restoreDirectory) {
		this.manager = manager;
		this.clock = clock;
		this.restoreDirectory = restoreDirectory;
	}

	/** The names of the replicated databases. */
	List<String> databaseNames() {
		return this.manager.status().stream().map(DatabaseStatus::name).toList();
	}

	/**
	 * The status of every database and replica, from the engine's cache (no remote I/O).
	 */
	@ReadOperation
	public LitestreamDescriptor status() {
		Map<String, DatabaseDescriptor> databases = new LinkedHashMap<>();
		for (DatabaseStatus status : this.manager.status()) {
			databases.put(status.name(), describe(status));
		}
		return new LitestreamDescriptor(this.manager.isRunning(), databases);
	}

	/**
	 * The generations and snapshots of a database in each replica. Lists the stores
	 * (remote I/O).
	 * @param name the database's name
	 * @return the listing, or null (404) for an unknown database
	 */
	@ReadOperation
	public @Nullable DatabaseListingDescriptor database(@Selector String name) throws IOException {
		DatabaseReplication replication = this.manager.database(name).orElse(null);
		if (replication == null) {
			return null;
		}
		Map<String, List<GenerationDescriptor>> replicas = new LinkedHashMap<>();
		for (Replica replica : replication.replicas()) {
			replicas.put(replica.name(), generations(replica.client()));
		}
		return new DatabaseListingDescriptor(name, describe(replication.status()), replicas);
	}

	/**
	 * Runs an action on a database: {@code sync} (copy and upload now), {@code snapshot}
	 * (write a snapshot to every replica) or {@code restore} (the state at
	 * {@code timestamp}, or the latest, into the new file {@code path} inside the restore
	 * directory). Bad input is an {@link InvalidEndpointRequestException} (HTTP 400).
	 * @param name the database's name
	 * @param action {@code sync}, {@code snapshot} or {@code restore}
	 * @param timestamp for restore: an ISO-8601 instant such as 2026-11-24T10:15:30Z; the
	 * latest state when absent
	 * @param path for restore: the file to create in the restore directory (a name, a
	 * path relative to it, or an absolute path inside it), which must not exist
	 * @param generation for restore: the generation to restore from (16 hex digits), the
	 * newest when absent
	 * @return what was done
	 */
	@WriteOperation
	public @Nullable ActionResultDescriptor action(@Selector String name, String action, @Nullable String timestamp,
			@Nullable String path, @Nullable String generation, @Nullable String index,
			@Nullable SecurityContext security) throws IOException {
		DatabaseReplication replication = this.manager.database(name).orElse(null);
		if (replication == null) {
			return null;
		}
		return switch (action.toLowerCase(Locale.ROOT)) {
			case "sync" -> sync(replication);
			case "snapshot" -> snapshot(replication);
			case "restore" -> restore(replication, timestamp, path, generation);
			case "rollback" -> rollback(replication, timestamp, generation, index, security);
			case "cancel-rollback" -> cancelRollback(replication);
			default -> throw invalid(
					"Unknown action '" + action + "': use sync, snapshot, restore, rollback or cancel-rollback");
		};
	}

	/**
	 * Stages a rollback of the live database to {@code timestamp}, or to the end of
	 * {@code generation} (up to WAL {@code index}, hex): applied at the next start.
	 */
	private ActionResultDescriptor rollback(DatabaseReplication replication, @Nullable String timestamp,
			@Nullable String generation, @Nullable String index, @Nullable SecurityContext security)
			throws IOException {
		Instant at = (timestamp != null && !timestamp.isBlank()) ? instant(timestamp) : null;
		Generation from = null;
		if (generation != null && !generation.isBlank()) {
			if (!Generation.isValid(generation.trim())) {
				throw invalid("generation '" + generation
						+ "' is not a generation id (16 lowercase hex digits, as this endpoint lists them)");
			}
			from = new Generation(generation.trim());
		}
		Long upTo = null;
		if (index != null && !index.isBlank()) {
			try {
				upTo = Long.parseLong(index.trim(), 16);
			}
			catch (NumberFormatException ex) {
				throw invalid("index '" + index + "' is not a hex WAL index such as 0000001a");
			}
		}
		if (at == null && from == null) {
			throw invalid("rollback needs 'timestamp' (an ISO-8601 instant such as 2026-11-24T10:15:30Z) or "
					+ "'generation' (with 'index', hex, for a WAL index of it)");
		}
		if (at != null && upTo != null) {
			throw invalid("rollback to a 'timestamp' or to an 'index', not both");
		}
		String target = (at != null) ? "timestamp " + at
				: "generation " + from + ((upTo != null) ? " index %08x".formatted(upTo) : "");
		Principal principal = (security != null) ? security.getPrincipal() : null;
		String requestedBy = "/actuator/litestream by " + ((principal != null) ? principal.getName() : "anonymous");
		RollbackIntent intent;
		try {
			intent = replication.rollback()
				.stage(from, at, upTo, RestoreOptions.DEFAULT_PARALLELISM, target, requestedBy);
		}
		catch (NoBackupException ex) {
			throw invalid("nothing to roll back to: " + ex.getMessage());
		}
		catch (LitestreamException ex) {
			throw invalid(ex.getMessage());
		}
		return new ActionResultDescriptor("rollback", describe(replication.status()), null, intent(intent));
	}

	private ActionResultDescriptor cancelRollback(DatabaseReplication replication) throws IOException {
		RollbackIntent cancelled;
		try {
			cancelled = replication.rollback()
				.cancel()
				.orElseThrow(() -> invalid("no rollback is staged for " + replication.database().name()));
		}
		catch (LitestreamException ex) {
			throw invalid(ex.getMessage());
		}
		return new ActionResultDescriptor("cancel-rollback", describe(replication.status()), null, intent(cancelled));
	}

	private static Instant instant(String timestamp) {
		try {
			return Instant.parse(timestamp.trim());
		}
		catch (DateTimeParseException ex) {
			throw invalid("timestamp '" + timestamp + "' is not an ISO-8601 instant such as 2026-11-24T10:15:30Z");
		}
	}

	private ActionResultDescriptor sync(DatabaseReplication replication) throws IOException {
		replication.syncNow();
		return new ActionResultDescriptor("sync", describe(replication.status()), null, null);
	}

	private ActionResultDescriptor snapshot(DatabaseReplication replication) throws IOException {
		replication.snapshotNow();
		return new ActionResultDescriptor("snapshot", describe(replication.status()), null, null);
	}

	private ActionResultDescriptor restore(DatabaseReplication replication, @Nullable String timestamp,
			@Nullable String path, @Nullable String generation) throws IOException {
		Path output = restoreTarget(path);
		Path live = replication.database().options().path().toAbsolutePath().normalize();
		if (output.equals(live) || output.toString().startsWith(live + "-") || output.equals(realPathOrSelf(live))) {
			throw invalid("restore never touches the live database " + live + ": give another path");
		}
		RestoreOptions.Builder options = RestoreOptions.builder(output);
		if (generation != null && !generation.isBlank()) {
			if (!Generation.isValid(generation.trim())) {
				throw invalid("generation '" + generation
						+ "' is not a generation id (16 lowercase hex digits, as this endpoint lists them)");
			}
			options.generation(new Generation(generation.trim()));
		}
		if (timestamp != null && !timestamp.isBlank()) {
			try {
				options.timestamp(Instant.parse(timestamp));
			}
			catch (DateTimeParseException ex) {
				throw invalid("timestamp '" + timestamp + "' is not an ISO-8601 instant such as 2026-11-24T10:15:30Z");
			}
		}
		RestoreResult result;
		try {
			result = replication.restore(options.build(), RestoreProgress.NONE);
		}
		catch (NoBackupException ex) {
			throw invalid(ex.getMessage());
		}
		return new ActionResultDescriptor("restore", describe(replication.status()),
				new RestoreDescriptor(result.path().toString(), result.position().toString(), result.databaseBytes(),
						result.lastChangeAt(), result.duration().toMillis()),
				null);
	}

	/**
	 * The new file {@code path} names inside the restore directory, links resolved: a
	 * restore may not write anywhere else the application can write.
	 */
	private Path restoreTarget(@Nullable String path) throws IOException {
		if (this.restoreDirectory == null) {
			throw invalid("restore is turned off: set " + RESTORE_DIRECTORY_PROPERTY
					+ " to a directory the endpoint may create restored files in");
		}
		if (path == null || path.isBlank()) {
			throw invalid("restore needs 'path': a new file in the restore directory " + this.restoreDirectory);
		}
		if (!Files.isDirectory(this.restoreDirectory)) {
			throw invalid("the restore directory " + this.restoreDirectory + " (" + RESTORE_DIRECTORY_PROPERTY
					+ ") is not a directory: create it");
		}
		Path directory = this.restoreDirectory.toRealPath();
		Path requested;
		try {
			requested = Path.of(path.trim());
		}
		catch (InvalidPathException ex) {
			throw invalid("path '" + path + "' is not a file name: " + ex.getReason());
		}
		Path resolved = directory.resolve(requested).normalize();
		Path parent = resolved.getParent();
		if (resolved.getFileName() == null || parent == null || !Files.isDirectory(parent)) {
			throw invalid("path '" + path + "' is not a new file in an existing directory inside the restore "
					+ "directory " + directory);
		}
		Path target = parent.toRealPath().resolve(resolved.getFileName());
		if (!target.startsWith(directory) || target.equals(directory)) {
			throw invalid("path '" + path + "' is outside the restore directory " + directory + " ("
					+ RESTORE_DIRECTORY_PROPERTY + "); give a file name inside it");
		}
		if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
			throw invalid(target + " exists: restore writes a new file");
		}
		return target;
	}

	private static Path realPathOrSelf(Path path) {
		try {
			return path.toRealPath();
		}
		catch (IOException ex) {
			return path;
		}
	}

	private static InvalidEndpointRequestException invalid(String message) {
		return new InvalidEndpointRequestException(message, message);
	}

	private DatabaseDescriptor describe(DatabaseStatus status) {
		Map<String, ReplicaDescriptor> replicas = new LinkedHashMap<>();
		for (ReplicaStatus replica : status.replicas()) {
			Instant latestSnapshot = replica.storage().latestSnapshotAt();
			replicas.put(replica.name(), new ReplicaDescriptor(replica.type(), replica.location(),
					string(replica.position()), seconds(replica.lag()), replica.lastSyncAt(),
					(latestSnapshot != null) ? seconds(Duration.between(latestSnapshot, this.clock.instant())) : null,
					replica.storage().bytes(), replica.storage().objects(),
					restoreWindow(replica.storage().earliestRestorableAt(), replica.storage().latestRestorableAt(),
							replicaOptions(status.name(), replica.name()).compactionAge()),
					replica.lastError(), replica.consecutiveFailures(), lease(replica.lease()),
					verification(replica.verification(), verifyInterval(status.name(), replica.name()))));
		}
		return new DatabaseDescriptor(status.path().toString(),
				(status.position() != null) ? status.position().generation().id() : null, string(status.position()),
				status.databaseSize(), status.walSize(), status.lastSyncAt(), status.lastCheckpointAt(),
				status.lastError(), replicas, status.role().name().toLowerCase(Locale.ROOT),
				(status.localHolder() != null) ? status.localHolder().describe() : null, threads(status),
				rollback(status.name()));
	}

	private RollbackDescriptor rollback(String database) {
		DatabaseReplication replication = this.manager.database(database).orElse(null);
		if (replication == null) {
			return new RollbackDescriptor(null, null);
		}
		try {
			return new RollbackDescriptor(replication.rollback().staged().map(LitestreamEndpoint::intent).orElse(null),
					replication.rollback().lastApplied().map(LitestreamEndpoint::intent).orElse(null));
		}
		catch (IOException | RuntimeException ex) {
			return new RollbackDescriptor(null, null);
		}
	}

	private static RollbackIntentDescriptor intent(RollbackIntent intent) {
		return new RollbackIntentDescriptor(intent.target(), intent.generation(), intent.position(),
				intent.lastChangeAt(), intent.requestedAt(), intent.requestedBy(), intent.state(),
				(intent.aside() != null) ? intent.aside().toString() : null);
	}

	private static Map<String, ThreadDescriptor> threads(DatabaseStatus status) {
		Map<String, ThreadDescriptor> threads = new LinkedHashMap<>();
		for (ThreadStatus thread : status.threads()) {
			threads.put(thread.name(),
					new ThreadDescriptor(thread.died() ? "died" : thread.failing() ? "failing" : "running",
							thread.failures(), thread.lastFailure()));
		}
		return threads;
	}

	private static @Nullable VerificationDescriptor verification(@Nullable VerificationStatus verification,
			Duration interval) {
		if (verification == null) {
			return null;
		}
		return new VerificationDescriptor(verification.lastOutcome(), verification.lastAt(),
				string(verification.lastPosition()), verification.lastProblem(), verification.lastSuccessAt(),
				verification.successes(), verification.failures(), seconds(interval),
				verification.longestWriteLock().toNanos() / 1e6);
	}

	private Duration verifyInterval(String database, String replica) {
		return replicaOptions(database, replica).verifyInterval();
	}

	private ReplicaOptions replicaOptions(String database, String replica) {
		return this.manager.database(database)
			.stream()
			.flatMap((replication) -> replication.replicas().stream())
			.filter((r) -> r.name().equals(replica))
			.map((r) -> r.options())
			.findFirst()
			.orElse(ReplicaOptions.of(replica));
	}

	/**
	 * The restore window; with compaction, commit granularity only inside the compaction
	 * age.
	 */
	private RestoreWindowDescriptor restoreWindow(@Nullable Instant earliest, @Nullable Instant latest,
			Duration compactionAge) {
		Instant commits = earliest;
		if (earliest != null && !compactionAge.isZero()) {
			Instant compactedBefore = this.clock.instant().minus(compactionAge);
			commits = compactedBefore.isAfter(earliest) ? compactedBefore : earliest;
		}
		return new RestoreWindowDescriptor(earliest, latest, commits);
	}

	private static LeaseDescriptor lease(@Nullable LeaseStatus lease) {
		if (lease == null) {
			return new LeaseDescriptor("unleased", null, null, null, null, null);
		}
		LeaseRecord holder = lease.holder();
		return new LeaseDescriptor(lease.role().name().toLowerCase(Locale.ROOT),
				(holder != null) ? holder.describe() : null, (holder != null) ? holder.expiresAt() : null,
				lease.ttl().toMillis() / 1000.0, lease.refusal(), lease.lastError());
	}

	private static List<GenerationDescriptor> generations(ReplicaClient client) throws IOException {
		List<GenerationDescriptor> generations = new ArrayList<>();
		for (GenerationListing listing : GenerationListing.list(client)) {
			List<SnapshotDescriptor> snapshots = new ArrayList<>();
			for (SnapshotInfo snapshot : listing.snapshots()) {
				snapshots.add(new SnapshotDescriptor(snapshot.index(), snapshot.size(), snapshot.createdAt()));
			}
			generations.add(new GenerationDescriptor(listing.generation().id(), snapshots,
					new WalDescriptor(listing.segments().size(), listing.segmentBytes(), listing.earliestSegmentAt(),
							listing.latestSegmentAt())));
		}
		return generations;
	}

	private static @Nullable String string(@Nullable Object value) {
		return (value != null) ? value.toString() : null;
	}

	private static double seconds(Duration duration) {
		return duration.toMillis() / 1000.0;
	}

	/**
	 * Every database.
	 *
	 * @param running whether replication runs
	 * @param databases the databases by name
	 */
	public record LitestreamDescriptor(boolean running,
			Map<String, DatabaseDescriptor> databases) implements OperationResponseBody {
	}

	/**
	 * One database.
	 *
	 * @param path the file
	 * @param generation the current generation
	 * @param position the shadow WAL position
	 * @param databaseSize bytes of the database file
	 * @param walSize bytes of the WAL file
	 * @param lastSync when the WAL was last copied
	 * @param lastCheckpoint when the engine last checkpointed
	 * @param lastError the monitor's last error
	 * @param replicas the replicas by name
	 * @param role {@code primary} when this engine replicates the database,
	 * {@code standby} while another engine on this host does
	 * @param replicatedBy the engine that does while this one stands by
	 * @param threads the engine's threads for the database, by name
	 * @param rollback the staged rollback and the last one applied
	 */
	public record DatabaseDescriptor(String path, @Nullable String generation, @Nullable String position,
			long databaseSize, long walSize, @Nullable Instant lastSync, @Nullable Instant lastCheckpoint,
			@Nullable String lastError, Map<String, ReplicaDescriptor> replicas, String role,
			@Nullable String replicatedBy, Map<String, ThreadDescriptor> threads, RollbackDescriptor rollback) {
	}

	/**
	 * Rollbacks of a database: the one staged (applied at the next start) and the last
	 * one applied.
	 *
	 * @param staged the staged rollback, or null
	 * @param lastApplied the last rollback applied, or null
	 */
	public record RollbackDescriptor(@Nullable RollbackIntentDescriptor staged,
			@Nullable RollbackIntentDescriptor lastApplied) {
	}

	/**
	 * One rollback.
	 *
	 * @param target what it goes back to
	 * @param generation the generation the staged state comes from
	 * @param position the position it holds
	 * @param lastChangeAt the store time of its newest object
	 * @param requestedAt when it was staged
	 * @param requestedBy who asked
	 * @param state {@code staged}, or {@code applying} once a start began applying it
	 * @param aside where the database before it is kept, once applied
	 */
	public record RollbackIntentDescriptor(String target, String generation, String position, Instant lastChangeAt,
			Instant requestedAt, String requestedBy, String state, @Nullable String aside) {
	}

	/**
	 * One of the engine's threads.
	 *
	 * @param state {@code running}, {@code failing} (its last round failed unexpectedly;
	 * it goes on after a backoff) or {@code died}
	 * @param unexpectedFailures rounds that failed unexpectedly since the start, each
	 * logged at ERROR
	 * @param lastFailure the failure while it lasts
	 */
	public record ThreadDescriptor(String state, long unexpectedFailures, @Nullable String lastFailure) {
	}

	/**
	 * One replica.
	 *
	 * @param type the kind of store
	 * @param location where it is (no credentials)
	 * @param position what it durably holds
	 * @param lagSeconds age of the oldest change it lacks
	 * @param lastSync the last successful sync
	 * @param snapshotAgeSeconds time since the current generation's newest snapshot
	 * @param storageBytes bytes stored
	 * @param objects objects stored
	 * @param restoreWindow the times a point-in-time restore can reach
	 * @param lastError the last failure
	 * @param consecutiveFailures failures since the last success
	 * @param lease who writes it
	 * @param verification what its scheduled verification found, or null without one
	 */
	public record ReplicaDescriptor(String type, String location, @Nullable String position, double lagSeconds,
			@Nullable Instant lastSync, @Nullable Double snapshotAgeSeconds, long storageBytes, long objects,
			RestoreWindowDescriptor restoreWindow, @Nullable String lastError, int consecutiveFailures,
			LeaseDescriptor lease, @Nullable VerificationDescriptor verification) {
	}

	/**
	 * What a replica's scheduled verification found last.
	 *
	 * @param outcome {@code success}, {@code failure} or {@code skipped}, null before the
	 * first
	 * @param at when it ended
	 * @param position the position it compared at
	 * @param problem the damaged object or the differing tables, or why it was skipped
	 * @param lastSuccess when a verification last succeeded
	 * @param successes verifications that succeeded
	 * @param failures verifications that failed
	 * @param intervalSeconds how often it runs
	 * @param longestWriteLockMillis the longest time a verification made application
	 * writers wait
	 */
	public record VerificationDescriptor(@Nullable String outcome, @Nullable Instant at, @Nullable String position,
			@Nullable String problem, @Nullable Instant lastSuccess, long successes, long failures,
			double intervalSeconds, double longestWriteLockMillis) {
	}

	/**
	 * A replica's lease as this instance sees it.
	 *
	 * @param role {@code primary} (this instance writes it), {@code standby} (another one
	 * does), {@code acquiring}, {@code lost} (not renewed in time), {@code released}, or
	 * {@code unleased} (written without a lease)
	 * @param holder the other instance that holds it
	 * @param holderExpires when the holder's lease ends unless renewed, by its clock
	 * @param ttlSeconds how long it lasts after each renewal
	 * @param refused why the store was refused
	 * @param lastError the last failure to read or write it
	 */
	public record LeaseDescriptor(String role, @Nullable String holder, @Nullable Instant holderExpires,
			@Nullable Double ttlSeconds, @Nullable String refused, @Nullable String lastError) {
	}

	/**
	 * The times a point-in-time restore can reach.
	 *
	 * @param earliest the oldest snapshot
	 * @param latest the newest object
	 * @param everyCommitFrom from when on every commit can be restored to; before it
	 * (compacted WAL indexes, older than the compaction age) a target is rounded down to
	 * the end of a WAL index
	 */
	public record RestoreWindowDescriptor(@Nullable Instant earliest, @Nullable Instant latest,
			@Nullable Instant everyCommitFrom) {
	}

	/**
	 * A database's listing in every replica.
	 *
	 * @param name the database's name
	 * @param status its status
	 * @param replicas the generations in each replica
	 */
	public record DatabaseListingDescriptor(String name, DatabaseDescriptor status,
			Map<String, List<GenerationDescriptor>> replicas) implements OperationResponseBody {
	}

	/**
	 * One generation in a replica.
	 *
	 * @param generation its name
	 * @param snapshots its snapshots
	 * @param wal its WAL segments, summed
	 */
	public record GenerationDescriptor(String generation, List<SnapshotDescriptor> snapshots, WalDescriptor wal) {
	}

	/**
	 * One snapshot.
	 *
	 * @param index its WAL index
	 * @param size stored bytes
	 * @param createdAt when the store recorded it
	 */
	public record SnapshotDescriptor(long index, long size, Instant createdAt) {
	}

	/**
	 * The WAL segments of a generation.
	 *
	 * @param segments how many
	 * @param bytes stored bytes
	 * @param first the oldest segment's time
	 * @param last the newest segment's time
	 */
	public record WalDescriptor(int segments, long bytes, @Nullable Instant first, @Nullable Instant last) {
	}

	/**
	 * The result of an action.
	 *
	 * @param action the action
	 * @param status the database's status afterwards
	 * @param restore what a restore produced
	 * @param rollback the rollback staged or cancelled
	 */
	public record ActionResultDescriptor(String action, DatabaseDescriptor status, @Nullable RestoreDescriptor restore,
			@Nullable RollbackIntentDescriptor rollback) implements OperationResponseBody {
	}

	/**
	 * A restored copy.
	 *
	 * @param path the new file
	 * @param position the position restored to
	 * @param bytes its size
	 * @param lastChangeAt the store time of the newest object used
	 * @param durationMillis how long it took
	 */
	public record RestoreDescriptor(String path, String position, long bytes, Instant lastChangeAt,
			long durationMillis) {
	}

}
