package io.github.jlitestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, acceptance 1 (this project's replicas): the command line restores, to the
 * same rows, replicas in LZ4, zstd and encrypted with rotated keys, on files and on
 * S3Proxy, named by URL, by Litestream's YAML and by the application's properties; and
 * its exit codes and messages for what goes wrong.
 */
class RestoreCommandTests {

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
	void restoresLz4AndZstdReplicasToTheSameRows() throws Exception {
		for (Compression compression : Compression.values()) {
			Path replica = this.dir.resolve("replica-" + compression);
			Map<String, List<String>> rows = replicate(this.dir.resolve(compression + ".db"),
					new FileReplicaClient(replica), new ReplicaCodec(compression, 3, null), 0, 40);
			Path out = this.dir.resolve("restored-" + compression + ".db");
			Cli cli = Cli.run("restore", "-o", out.toString(), replica.toUri().toString());
			assertThat(cli.exitCode()).as(cli.toString()).isZero();
			assertThat(Sql.dump(out)).isEqualTo(rows);
			assertThat(cli.out()).contains("restored " + out).contains("integrity_check ok");
		}
	}

	@Test
	void restoresAReplicaEncryptedWithRotatedKeys() throws Exception {
		byte[] old = key(1);
		byte[] current = key(2);
		Path replica = this.dir.resolve("replica");
		Path db = this.dir.resolve("app.db");
		replicate(db, new FileReplicaClient(replica),
				new ReplicaCodec(Compression.LZ4, 3, new Encryption(old, List.of())), 0, 20);
		// rotated: new objects under the current key, older ones still under the old
		Map<String, List<String>> rows = replicate(db, new FileReplicaClient(replica),
				new ReplicaCodec(Compression.LZ4, 3, new Encryption(current, List.of(old))), 20, 40);
		Path currentFile = keyFile("current", current);
		Path oldFile = keyFile("old", old);
		Path out = this.dir.resolve("restored.db");
		// the generation goes on across the rotation: its snapshot is under the old key,
		// its newest segments under the current one
		Cli onlyCurrent = Cli.run("restore", "-key-file", currentFile.toString(), "-o", out.toString(),
				replica.toUri().toString());
		assertThat(onlyCurrent.exitCode()).as(onlyCurrent.toString()).isEqualTo(ExitCode.DAMAGED);
		assertThat(onlyCurrent.err()).contains("snapshots/00000000.snapshot.lz4");
		assertThat(out).doesNotExist();
		Cli cli = Cli.run("restore", "-key-file", currentFile.toString(), "-key-file", oldFile.toString(), "-o",
				out.toString(), replica.toUri().toString());
		assertThat(cli.exitCode()).as(cli.toString()).isZero();
		assertThat(Sql.dump(out)).isEqualTo(rows);
		assertThat(Sql.count(out, "t")).isEqualTo(40);
	}

	@Test
	void restoresFromS3ProxyByUrlByLitestreamYamlAndByTheApplicationsProperties() throws Exception {
		s3.createBucket("cli");
		ReplicaClient client = s3.clientFactory().build().create("s3://cli/app");
		Map<String, List<String>> rows = replicate(this.dir.resolve("app.db"), client, ReplicaCodec.litestream(), 0,
				30);
		System.setProperty("aws.accessKeyId", s3.accessKey());
		System.setProperty("aws.secretAccessKey", s3.secretKey());
		try {
			Path byUrl = this.dir.resolve("by-url.db");
			Cli url = Cli.run("restore", "-endpoint", s3.endpoint().toString(), "-o", byUrl.toString(), "s3://cli/app");
			assertThat(url.exitCode()).as(url.toString()).isZero();
			assertThat(Sql.dump(byUrl)).isEqualTo(rows);

			Path yaml = this.dir.resolve("litestream.yml");
			Path byYaml = this.dir.resolve("by-yaml.db");
			Files.writeString(yaml, """
					dbs:
					  - path: %s
					    replicas:
					      - name: store
					        type: s3
					        bucket: cli
					        path: app
					        endpoint: %s
					        force-path-style: true
					        access-key-id: %s
					        secret-access-key: %s
					""".formatted(byYaml, s3.endpoint(), s3.accessKey(), s3.secretKey()));
			Cli litestream = Cli.run("restore", "-config", yaml.toString(), byYaml.toString());
			assertThat(litestream.exitCode()).as(litestream.toString()).isZero();
			assertThat(Sql.dump(byYaml)).isEqualTo(rows);
			Cli generations = Cli.run("generations", "-config", yaml.toString(), byYaml.toString());
			assertThat(generations.out()).startsWith("name   generation").contains("store  ");

			Path properties = this.dir.resolve("application.properties");
			Path byProperties = this.dir.resolve("by-properties.db");
			Files.writeString(properties, """
					spring.datasource.url=jdbc:sqlite:%s
					litestream.databases.app.replicas.backup.url=s3://cli/app
					litestream.databases.app.replicas.backup.endpoint=%s
					""".formatted(byProperties, s3.endpoint()));
			Cli application = Cli.run("restore", "-config", properties.toString());
			assertThat(application.exitCode()).as(application.toString()).isZero();
			assertThat(Sql.dump(byProperties)).isEqualTo(rows);
			Cli again = Cli.run("restore", "-config", properties.toString(), "app");
			assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCode.FAILURE);
			assertThat(again.err()).contains("output path already exists: " + byProperties);
			assertThat(Cli.run("restore", "-if-db-not-exists", "-config", properties.toString()).exitCode()).isZero();
		}
		finally {
			System.clearProperty("aws.accessKeyId");
			System.clearProperty("aws.secretAccessKey");
		}
	}

	@Test
	void restoresByTheApplicationsYaml() throws Exception {
		Path replica = this.dir.resolve("replica");
		Map<String, List<String>> rows = replicate(this.dir.resolve("app.db"), new FileReplicaClient(replica),
				ReplicaCodec.litestream(), 0, 15);
		Path yaml = this.dir.resolve("application.yml");
		Path out = this.dir.resolve("from-yaml.db");
		Files.writeString(yaml, """
				spring:
				  application:
				    name: notes
				litestream:
				  databases:
				    orders:
				      path: %s
				      replicas:
				        backup:
				          url: %s
				""".formatted(out, replica.toUri()));
		Cli cli = Cli.run("restore", "-config", yaml.toString(), "orders");
		assertThat(cli.exitCode()).as(cli.toString()).isZero();
		assertThat(Sql.dump(out)).isEqualTo(rows);
		Cli snapshots = Cli.run("snapshots", "-config", yaml.toString());
		assertThat(snapshots.out()).startsWith("replica  generation").contains("backup   ");
		Cli nope = Cli.run("restore", "-config", yaml.toString(), "-replica", "nope", "orders");
		assertThat(nope.exitCode()).isEqualTo(ExitCode.USAGE);
		assertThat(nope.err()).contains("no replica 'nope'").contains("backup");
	}

	@Test
	void restoresAZstdEncryptedReplicaOnS3Proxy() throws Exception {
		s3.createBucket("sealed");
		byte[] old = key(3);
		byte[] current = key(4);
		ReplicaClient client = s3.clientFactory().build().create("s3://sealed/app");
		Path db = this.dir.resolve("sealed.db");
		replicate(db, client, new ReplicaCodec(Compression.ZSTD, 3, new Encryption(old, List.of())), 0, 20);
		Map<String, List<String>> rows = replicate(db, s3.clientFactory().build().create("s3://sealed/app"),
				new ReplicaCodec(Compression.ZSTD, 3, new Encryption(current, List.of(old))), 20, 40);
		System.setProperty("aws.accessKeyId", s3.accessKey());
		System.setProperty("aws.secretAccessKey", s3.secretKey());
		try {
			Path out = this.dir.resolve("sealed-restored.db");
			Cli cli = Cli.run("restore", "-endpoint", s3.endpoint().toString(), "-key-file",
					keyFile("current", current).toString(), "-key-file", keyFile("old", old).toString(), "-o",
					out.toString(), "s3://sealed/app");
			assertThat(cli.exitCode()).as(cli.toString()).isZero();
			assertThat(Sql.dump(out)).isEqualTo(rows);
			Cli verify = Cli.run("verify", "-endpoint", s3.endpoint().toString(), "-key-file",
					keyFile("current", current).toString(), "-key-file", keyFile("old", old).toString(),
					"s3://sealed/app");
			assertThat(verify.exitCode()).as(verify.toString()).isZero();
		}
		finally {
			System.clearProperty("aws.accessKeyId");
			System.clearProperty("aws.secretAccessKey");
		}
	}

	@Test
	void theApplicationsSettingsAreCheckedAsAtItsStart() throws Exception {
		Path properties = this.dir.resolve("application.properties");
		Files.writeString(properties, """
				litestream.databases.app.path=%s
				litestream.databases.app.replicas.backup.url=%s
				litestream.databases.app.replicas.backup.encryption.kee=secret
				""".formatted(this.dir.resolve("app.db"), this.dir.resolve("replica").toUri()));
		Cli cli = Cli.run("generations", "-config", properties.toString());
		assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(ExitCode.USAGE);
		assertThat(cli.err()).contains("litestream.databases.app.replicas.backup.encryption.kee")
			.contains("encryption.key")
			.doesNotContain("secret\n");
	}

	@Test
	void dryRunPrintsThePlanAndWritesNothing() throws Exception {
		Path replica = this.dir.resolve("replica");
		replicate(this.dir.resolve("app.db"), new FileReplicaClient(replica), ReplicaCodec.litestream(), 0, 10);
		Path out = this.dir.resolve("out.db");
		Cli cli = Cli.run("restore", "-dry-run", "-o", out.toString(), replica.toUri().toString());
		assertThat(cli.exitCode()).as(cli.toString()).isZero();
		assertThat(cli.out()).contains("would restore " + out).contains("snapshot at index").contains("bytes");
		assertThat(out).doesNotExist();
		Cli json = Cli.run("restore", "-dry-run", "-json", "-o", out.toString(), replica.toUri().toString());
		assertThat(json.out()).contains("\"generation\":").contains("\"bytes\":");
	}

	@Test
	void exitCodesAScriptCanRelyOn() throws Exception {
		Path empty = Files.createDirectories(this.dir.resolve("empty"));
		String emptyUrl = empty.toUri().toString();
		Path out = this.dir.resolve("out.db");
		Cli none = Cli.run("restore", "-o", out.toString(), emptyUrl);
		assertThat(none.exitCode()).as(none.toString()).isEqualTo(ExitCode.NO_BACKUP);
		assertThat(none.err()).contains("no matching backups found in " + empty.toUri());
		assertThat(Cli.run("restore", "-if-replica-exists", "-o", out.toString(), emptyUrl).exitCode()).isZero();
		assertThat(Cli.run("restore", emptyUrl).err()).contains("output path required");
		assertThat(Cli.run("restore", emptyUrl).exitCode()).isEqualTo(ExitCode.USAGE);
		Cli timestamp = Cli.run("restore", "-timestamp", "yesterday", "-o", out.toString(), emptyUrl);
		assertThat(timestamp.exitCode()).isEqualTo(ExitCode.USAGE);
		assertThat(timestamp.err()).contains("invalid -timestamp 'yesterday'");
		assertThat(
				Cli.run("restore", "-timestamp", "2026-01-01T00:00:00Z", "-index", "1", "-o", out.toString(), emptyUrl)
					.err())
			.contains("cannot specify index & timestamp");
		assertThat(Cli.run("restore", "-index", "zz", "-o", out.toString(), emptyUrl).exitCode())
			.isEqualTo(ExitCode.USAGE);
		Cli unknown = Cli.run("restore", "-bogus", emptyUrl);
		assertThat(unknown.exitCode()).isEqualTo(ExitCode.USAGE);
		assertThat(unknown.err()).contains("-bogus");
		assertThat(Cli.run().exitCode()).isEqualTo(ExitCode.USAGE);
		assertThat(Cli.run("nope").exitCode()).isEqualTo(ExitCode.USAGE);
		Cli scheme = Cli.run("generations", "gcs://bucket/db");
		assertThat(scheme.exitCode()).isEqualTo(ExitCode.USAGE);
		assertThat(scheme.err()).contains("unknown replica URL scheme 'gcs'");
		assertThat(Cli.run("generations", "/some/db").err()).contains("needs -config");
		Cli help = Cli.run("-h");
		assertThat(help.exitCode()).isZero();
		assertThat(help.out()).contains("Exit codes:").contains("4   the replica is damaged");
	}

	/**
	 * Writes rows {@code from} (inclusive) to {@code to} (exclusive) into {@code db}
	 * under replication, then stops; returns every row of the database.
	 */
	private static Map<String, List<String>> replicate(Path db, ReplicaClient client, ReplicaCodec codec, int from,
			int to) throws Exception {
		try (Harness harness = new Harness(db, client, codec)) {
			harness.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)");
			for (int i = from; i < to; i++) {
				harness.execute("INSERT INTO t VALUES (" + i + ", '" + "x".repeat(i * 50) + "')");
				if (i % 5 == 0) {
					harness.sync();
				}
			}
			harness.sync();
		}
		return Sql.dump(db);
	}

	private static byte[] key(int fill) {
		byte[] key = new byte[32];
		Arrays.fill(key, (byte) fill);
		return key;
	}

	private Path keyFile(String name, byte[] key) throws Exception {
		Path file = this.dir.resolve(name + ".key");
		Files.writeString(file, Base64.getEncoder().encodeToString(key));
		return file;
	}

}
