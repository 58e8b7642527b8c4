package io.github.jlitestream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.jlitestream.core.CorruptReplicaException;
import io.github.jlitestream.core.GenerationListing;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.util.LocalFiles;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.json.JsonWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verify}: proves that a replica restores, without writing a database anywhere but
 * a temporary directory. For each generation, the state at the end of each snapshot's
 * stretch (up to the next snapshot's WAL index, the newest state for the last) is
 * restored: every snapshot and segment a restore can use is downloaded, decoded, its WAL
 * frames chain-checked, and each result passes {@code integrity_check}. Reports the
 * restore window proven and each damaged or missing object by key; exits
 * {@value ExitCode#DAMAGED} when anything is damaged.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
		description = "Checks that a replica restores: every snapshot and WAL segment is downloaded, decoded and "
				+ "chain-checked, and every restored state passes integrity_check; names each damaged object.")
final class VerifyCommand extends ReplicaCommand {

	@Option(names = { "-generation", "--generation" }, paramLabel = "NAME", description = "Only this generation.")
	@Nullable String generation;

	@Option(names = { "-latest", "--latest" },
			description = "Only the newest state of each generation (faster; segments before its newest snapshot "
					+ "are not checked).")
	boolean latest;

	@Option(names = { "-parallelism", "--parallelism" }, paramLabel = "NUM", defaultValue = "8",
			description = "Objects downloaded at once (default: ${DEFAULT-VALUE}).")
	int parallelism;

	@Override
	int run(List<SelectedReplica> replicas) throws IOException {
		List<Map<String, Object>> reports = new ArrayList<>();
		boolean damaged = false;
		boolean any = false;
		Path work = Files.createTempDirectory("litestream-verify-");
		try {
			for (SelectedReplica replica : replicas) {
				for (GenerationListing listing : listing(replica, () -> GenerationListing.list(replica.client()))) {
					if (this.generation != null && !listing.generation().toString().equals(this.generation)) {
						continue;
					}
					any = true;
					Map<String, Object> report = verify(replica, listing, work);
					damaged |= !((List<?>) report.get("damaged")).isEmpty();
					reports.add(report);
				}
			}
		}
		finally {
			LocalFiles.deleteTree(work);
		}
		if (this.json) {
			out().println(JsonWriter.standard().writeToString(reports));
		}
		else {
			reports.forEach(this::print);
		}
		if (!any) {
			throw new CliException(ExitCode.NO_BACKUP,
					"no backup to verify in "
							+ String.join(", ", replicas.stream().map((r) -> r.client().location()).toList())
							+ ((this.generation != null) ? " (generation " + this.generation + ")" : ""));
		}
		if (damaged) {
			throw new CliException(ExitCode.DAMAGED, "the replica is damaged: see the objects named above");
		}
		return ExitCode.OK;
	}

	private Map<String, Object> verify(SelectedReplica replica, GenerationListing listing, Path work)
			throws IOException {
		List<String> damaged = new ArrayList<>();
		List<String> checked = new ArrayList<>();
		List<SnapshotInfo> snapshots = listing.snapshots();
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("replica", replica.name());
		report.put("generation", listing.generation().toString());
		if (snapshots.isEmpty()) {
			damaged.add(ReplicaPaths.snapshotsDir(listing.generation()) + "/: no snapshot, so none of its "
					+ listing.segments().size() + " WAL segments can be restored");
		}
		long totalBytes = listing.bytes();
		long began = System.nanoTime();
		long downloadedBytes = 0;
		int restored = 0;
		long segmentsApplied = 0;
		try (Progress progress = new Progress("verify " + listing.generation(), totalBytes, Progress.onTerminal(),
				err())) {
			long downloaded = 0;
			for (int i = 0; i < snapshots.size(); i++) {
				boolean last = i == snapshots.size() - 1;
				SnapshotInfo snapshot = snapshots.get(i);
				if (this.latest && !last) {
					continue;
				}
				Long upTo = null;
				if (!last) {
					long next = snapshots.get(i + 1).index();
					if (next == snapshot.index()) {
						// a newer snapshot of the same index stands for this one in a
						// restore
						continue;
					}
					upTo = next - 1;
				}
				Path output = work.resolve("restored-" + listing.generation() + "-" + i + ".db");
				RestoreOptions options = RestoreOptions.builder(output)
					.generation(listing.generation())
					.index(upTo)
					.parallelism(this.parallelism)
					.build();
				long before = downloaded;
				try {
					RestoreResult result = Restorer.restoreFrom(
							List.of(new Restorer.Source(replica.client(), replica.codec())), options,
							(done, total, bytes) -> progress.progress(done, total, before + bytes));
					downloaded += result.downloadedBytes();
					downloadedBytes = downloaded;
					restored++;
					segmentsApplied += result.segments();
					checked.add("snapshot " + snapshot.index() + " through " + result.position());
				}
				catch (CorruptReplicaException ex) {
					damaged.add(ex.getMessage());
				}
				catch (LitestreamException ex) {
					damaged.add(ReplicaPaths.snapshotsDir(listing.generation()) + "/ (from the snapshot at index "
							+ snapshot.index() + "): " + ex.getMessage());
				}
				finally {
					Files.deleteIfExists(output);
				}
			}
		}
		long unreachable = snapshots.isEmpty() ? 0
				: listing.segments()
					.stream()
					.mapToLong(WalSegmentInfo::index)
					.filter((index) -> index < snapshots.get(0).index())
					.count();
		double seconds = Math.max(1e-3, (System.nanoTime() - began) / 1e9);
		report.put("seconds", Math.round(seconds * 1000) / 1000.0);
		report.put("downloadedBytes", downloadedBytes);
		report.put("restoredStates", restored);
		report.put("segmentsApplied", segmentsApplied);
		report.put("objects", listing.objects());
		report.put("bytes", totalBytes);
		if (damaged.isEmpty() && !snapshots.isEmpty()) {
			report.put("windowFrom", Formats
				.time(this.latest ? snapshots.get(snapshots.size() - 1).createdAt() : snapshots.get(0).createdAt()));
			report.put("windowTo", Formats.time(listing.updatedAt()));
		}
		if (unreachable > 0) {
			report.put("segmentsBeforeFirstSnapshot", unreachable);
		}
		report.put("checked", checked);
		report.put("damaged", damaged);
		return report;
	}

	private void print(Map<String, Object> report) {
		List<?> damaged = (List<?>) report.get("damaged");
		out().printf("%s %s: %s%n", report.get("replica"), report.get("generation"), damaged.isEmpty()
				? "ok, restorable from " + report.get("windowFrom") + " to " + report.get("windowTo") : "DAMAGED");
		double seconds = (Double) report.get("seconds");
		long downloaded = (Long) report.get("downloadedBytes");
		out().printf(
				"  %s restored states passed integrity_check, %s WAL segments applied; %s objects, %s bytes; "
						+ "%s downloaded in %.1f s (%s/s)%n",
				report.get("restoredStates"), report.get("segmentsApplied"), report.get("objects"), report.get("bytes"),
				Formats.bytes(downloaded), seconds, Formats.bytes(Math.round(downloaded / seconds)));
		if (report.containsKey("segmentsBeforeFirstSnapshot")) {
			out().printf("  %s WAL segments precede the first snapshot (no restore uses them)%n",
					report.get("segmentsBeforeFirstSnapshot"));
		}
		for (Object problem : damaged) {
			out().println("  damaged: " + problem);
		}
	}

}
