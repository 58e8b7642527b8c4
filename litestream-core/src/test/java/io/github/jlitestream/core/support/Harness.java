package io.github.jlitestream.core.support;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.ship.Replica;

/**
 * A database under replication to one replica, driven step by step by a test (no
 * background threads).
 */
public final class Harness implements AutoCloseable {

	private final Path path;

	private final ReplicaClient client;

	private final DatabaseOptions options;

	private final Clock clock;

	private final ObjectCodec codec;

	private ReplicaOptions replicaOptions = ReplicaOptions.of("r");

	private Connection app;

	private Database database;

	private Replica replica;

	public Harness(Path path, ReplicaClient client, DatabaseOptions options, Clock clock) throws SQLException {
		this(path, client, options, clock, ReplicaCodec.litestream());
	}

	public Harness(Path path, ReplicaClient client, ObjectCodec codec) throws SQLException {
		this(path, client, DatabaseOptions.of(path), Clock.systemUTC(), codec);
	}

	public Harness(Path path, ReplicaClient client, DatabaseOptions options, Clock clock, ObjectCodec codec)
			throws SQLException {
		this.path = path;
		this.client = client;
		this.options = options;
		this.clock = clock;
		this.codec = codec;
		this.app = Sql.connect(path);
		openEngine();
	}

	public Harness(Path path, ReplicaClient client) throws SQLException {
		this(path, client, DatabaseOptions.of(path), Clock.systemUTC());
	}

	/** Opens a fresh engine on the database, as a restarted process would. */
	public void openEngine() {
		this.database = new Database("test", this.options, ReplicationListener.NONE, this.clock);
		this.database.open();
		this.replica = new Replica(this.database, this.client, this.replicaOptions, this.codec,
				ReplicationListener.NONE, this.clock);
	}

	/** Opens the engine again with other replica options. */
	public void reopenEngine(ReplicaOptions options) {
		closeEngine();
		this.replicaOptions = options;
		openEngine();
	}

	/** Closes the engine, leaving the application's connection open. */
	public void closeEngine() {
		this.database.close();
	}

	public Connection app() {
		return this.app;
	}

	/**
	 * Closes the application's connection (when it is the last, SQLite checkpoints and
	 * deletes the WAL).
	 */
	public void closeApp() throws SQLException {
		this.app.close();
	}

	public void reopenApp() throws SQLException {
		this.app = Sql.connect(this.path);
	}

	public Database database() {
		return this.database;
	}

	public Replica replica() {
		return this.replica;
	}

	public ReplicaClient client() {
		return this.client;
	}

	public void execute(String... statements) throws SQLException {
		Sql.execute(this.app, statements);
	}

	/** Copies the WAL and uploads it. */
	public void sync() throws IOException {
		this.database.sync();
		this.replica.sync();
	}

	public RestoreResult restore(RestoreOptions options) throws IOException {
		return new Restorer(this.codec).restore(this.client, options, RestoreProgress.NONE);
	}

	@Override
	public void close() throws SQLException {
		try {
			this.database.close();
		}
		finally {
			if (!this.app.isClosed()) {
				this.app.close();
			}
		}
	}

}
