package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.Optional;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.layout.ReplicaPaths;

/**
 * Refuses to write unencrypted objects into a replica whose objects are encrypted: a
 * configuration that lost the replica's key (a profile replacing the replica's settings,
 * a typo in the key's name) would otherwise turn an encrypted backup into a plaintext one
 * without a word. The newest snapshot of the store tells, as every generation starts with
 * one.
 */
final class EncryptionCheck {

	private static final Comparator<SnapshotInfo> BY_TIME = Comparator.comparing(SnapshotInfo::createdAt)
		.thenComparingLong(SnapshotInfo::index);

	private EncryptionCheck() {
	}

	/**
	 * Checks the store's newest snapshot, before this replica writes anything.
	 * @throws LitestreamException naming the encrypted object when the store's newest
	 * snapshot is encrypted
	 */
	static void requireUnencryptedReplica(ReplicaClient client, String replica) throws IOException {
		Optional<SnapshotInfo> newest = Optional.empty();
		for (Generation generation : client.generations()) {
			for (SnapshotInfo snapshot : client.snapshots(generation)) {
				if (newest.isEmpty() || BY_TIME.compare(snapshot, newest.get()) > 0) {
					newest = Optional.of(snapshot);
				}
			}
		}
		if (newest.isEmpty()) {
			return;
		}
		SnapshotInfo snapshot = newest.get();
		byte[] first;
		try (InputStream in = client.openSnapshot(snapshot.generation(), snapshot.index(), snapshot.compression())) {
			first = in.readNBytes(4);
		}
		if (Encryption.isEncrypted(first, first.length)) {
			throw new LitestreamException("Replica '" + replica + "' at " + client.location()
					+ " holds encrypted objects (such as " + ReplicaPaths.key(snapshot)
					+ "), but no encryption key is configured for it: refusing to write unencrypted objects into it. "
					+ "Configure the replica's encryption key again, or give the replica another location.");
		}
	}

}
