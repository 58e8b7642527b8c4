package io.github.jlitestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.LitestreamBinary;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, acceptance 1 (Litestream's replicas): a replica written by the real
 * Litestream v0.3.13, on files and on S3Proxy, named by the same YAML configuration
 * Litestream used: the command line restores it to the same rows, and its listings print
 * what Litestream's print for it (the lag column aside, which depends on the moment).
 */
class LitestreamPeerTests {

	private static S3ProxyServer s3;

	@TempDir
	Path dir;

	@BeforeAll
	static void startS3() {
		s3 = S3ProxyServer.startInMemory();
	}

	@AfterAll
	static void stopS3() {
		s3.close();
	}

	@Test
	void aFileReplicaWrittenByLitestream() throws Exception {
		Path db = this.dir.resolve("theirs.db");
		Path config = this.dir.resolve("litestream.yml");
		Files.writeString(config, """
				dbs:
				  - path: %s
				    replicas:
				      - name: local
				        path: %s
				""".formatted(db, this.dir.resolve("replica")));
		assertSameAsLitestream(db, config);
	}

	@Test
	void anS3ReplicaWrittenByLitestream() throws Exception {
		s3.createBucket("peer");
		Path db = this.dir.resolve("theirs.db");
		Path config = this.dir.resolve("litestream.yml");
		Files.writeString(config, """
				dbs:
				  - path: %s
				    replicas:
				      - name: store
				        type: s3
				        bucket: peer
				        path: db
				        endpoint: %s
				        region: us-east-1
				        force-path-style: true
				        access-key-id: %s
				        secret-access-key: %s
				""".formatted(db, s3.endpoint(), s3.accessKey(), s3.secretKey()));
		assertSameAsLitestream(db, config);
	}

	private void assertSameAsLitestream(Path db, Path config) throws Exception {
		try (Connection app = Sql.connect(db)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			Process litestream = LitestreamBinary.start(this.dir, this.dir.resolve("litestream.log"), "replicate",
					"-config", config.toString());
			try {
				Thread.sleep(1500);
				for (int i = 0; i < 40; i++) {
					Sql.execute(app, "INSERT INTO t (v) VALUES ('small " + i + "')");
				}
				// more than 1000 pages: Litestream checkpoints into a new WAL index
				app.setAutoCommit(false);
				for (int i = 0; i < 1200; i++) {
					Sql.execute(app, "INSERT INTO t (v) VALUES ('" + "big".repeat(1000) + i + "')");
				}
				app.commit();
				app.setAutoCommit(true);
				for (int i = 0; i < 10; i++) {
					Sql.execute(app, "INSERT INTO t (v) VALUES ('tail " + i + "')");
					Thread.sleep(50);
				}
				Thread.sleep(4000);
			}
			finally {
				litestream.destroy();
				litestream.waitFor(30, TimeUnit.SECONDS);
			}
			for (String command : new String[] { "snapshots", "wal" }) {
				LitestreamBinary.Result theirs = LitestreamBinary.run(this.dir, 60, command, "-config",
						config.toString(), db.toString());
				Cli ours = Cli.run(command, "-config", config.toString(), db.toString());
				assertThat(ours.exitCode()).as(ours.toString()).isZero();
				assertThat(ours.out()).as(command).isEqualTo(litestreamTable(theirs.output()));
				assertThat(ours.out().lines().count()).as(command + " lists something").isGreaterThan(1);
			}
			LitestreamBinary.Result theirs = LitestreamBinary.run(this.dir, 60, "generations", "-config",
					config.toString(), db.toString());
			Cli ours = Cli.run("generations", "-config", config.toString(), db.toString());
			assertThat(withoutLag(ours.out())).isEqualTo(withoutLag(litestreamTable(theirs.output())));
			Path restored = this.dir.resolve("restored.db");
			Cli restore = Cli.run("restore", "-config", config.toString(), "-o", restored.toString(), db.toString());
			assertThat(restore.exitCode()).as(restore.toString()).isZero();
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(app));
			Cli verify = Cli.run("verify", "-config", config.toString(), db.toString());
			assertThat(verify.exitCode()).as(verify.toString()).isZero();
		}
	}

	/** The table lines of Litestream's output (it may log beside them). */
	private static String litestreamTable(String output) {
		return output.lines()
			.filter((line) -> !line.startsWith("time=") && !line.matches("^\\d{4}/\\d\\d/\\d\\d .*"))
			.collect(Collectors.joining("\n", "", "\n"));
	}

	/** Every column but the third (lag), re-joined with single spaces. */
	private static List<String> withoutLag(String table) {
		return table.lines().map((line) -> {
			List<String> cells = Arrays.asList(line.trim().split("\\s+"));
			return String.join(" ", cells.subList(0, 2)) + " " + String.join(" ", cells.subList(3, cells.size()));
		}).toList();
	}

}
