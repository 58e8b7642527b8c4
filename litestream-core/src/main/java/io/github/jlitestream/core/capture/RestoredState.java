package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.util.LocalFiles;
import io.github.jlitestream.core.wal.ShadowWal;

/**
 * The engine's local state for a database just restored from the newest state of a
 * generation, so that the engine continues that generation at the next WAL index rather
 * than uploading the whole database again as a new one. The restored file is, page for
 * page, the state at the end of the generation's last WAL index: its shadow WAL is what
 * the replica holds of that index, and a clean-shutdown record with the file's
 * fingerprint proves at the next open that nothing changed it since.
 *
 * @since 0.1.0
 */
public final class RestoredState {

	private RestoredState() {
	}

	/**
	 * Records the restored database at {@code options.path()} as generation
	 * {@code generation} at the end of WAL index {@code index}.
	 * @param lastIndexWal the WAL of that index as the replica holds it, from its header
	 * to the restored position
	 * @param expectedSize the restored position's offset in that index
	 * @throws LitestreamException when the WAL read does not end at that offset on a
	 * commit
	 */
	public static void adopt(DatabaseOptions options, Generation generation, long index, InputStream lastIndexWal,
			long expectedSize) throws IOException {
		LocalState local = new LocalState(options.metaPath());
		Path shadow = local.shadowPath(generation, index);
		Files.createDirectories(shadow.getParent());
		Path tmp = shadow.resolveSibling(shadow.getFileName() + ".restored");
		try (OutputStream out = Files.newOutputStream(tmp)) {
			lastIndexWal.transferTo(out);
		}
		LocalFiles.force(tmp);
		Files.move(tmp, shadow, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		LocalFiles.forceDirectory(shadow.getParent());
		ShadowWal adopted = ShadowWal.open(shadow);
		if (adopted.size() != expectedSize) {
			Files.deleteIfExists(shadow);
			throw new LitestreamException("The WAL of index %08x read back for %s ends at %d, not at the restored %d"
				.formatted(index, options.path(), adopted.size(), expectedSize));
		}
		local.writeGenerationFile(generation);
		local.removeOtherGenerations(generation);
		DatabaseFiles.Handle file = DatabaseFiles.open(options.path());
		CleanShutdown.write(options.metaPath(), new CleanShutdown(generation, index, adopted.header(),
				CleanShutdown.fingerprint(options.path(), file)));
	}

}
