package io.github.jlitestream.cli;

import java.nio.file.Path;
import java.util.List;

import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.codec.ObjectCodec;
import org.jspecify.annotations.Nullable;

/**
 * A replica a command works on: its name (Litestream's "name" column), its client and the
 * codec that reads its objects.
 *
 * @param name the replica's name: from the configuration, else the URL's scheme
 * @param client the store
 * @param codec reads its objects (decryption keys included)
 * @param database the database file the configuration gives it, or null for a URL
 */
record SelectedReplica(String name, ReplicaClient client, ObjectCodec codec, @Nullable Path database) {

	/** Closes every client, quietly: a command's result is already printed. */
	static void closeAll(List<SelectedReplica> replicas) {
		for (SelectedReplica replica : replicas) {
			try {
				replica.client().close();
			}
			catch (Exception ex) {
				// nothing left to do with it
			}
		}
	}

}
