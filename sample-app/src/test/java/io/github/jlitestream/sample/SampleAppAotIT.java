package io.github.jlitestream.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample app after Spring AOT processing ({@code process-aot} runs in the
 * build), started as {@code java -Dspring.aot.enabled=true -jar}: it restores and
 * replicates as the JVM-processed one does, and {@code litestream.enabled=false} at run
 * time turns replication off although the build evaluated the condition.
 */
class SampleAppAotIT {

	private static final Path JAR = Path.of("target", "litestream-sample-app.jar");

	private final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path dir;

	@Test
	void theAotProcessedJarReplicatesAndAGracefulStopUploadsEverything() throws Exception {
		Path replica = this.dir.resolve("replica");
		int port = freePort();
		Process app = start(port, "--DB_PATH=" + this.dir.resolve("app.db"), "--REPLICA_URL=" + replica.toUri());
		try {
			awaitHealth(app, port);
			HttpResponse<String> created = this.http.send(HttpRequest.newBuilder(uri(port, "/notes"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"aot\",\"body\":\"ahead of time\"}"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(created.statusCode()).isEqualTo(201);
			assertThat(get(port, "/actuator/health")).contains("\"litestream\"");
		}
		finally {
			stop(app);
		}
		assertThat(Files.readString(log())).contains("Starting AOT-processed SampleApplication");
		Path restored = this.dir.resolve("restored.db");
		new Restorer(ReplicaCodec.litestream()).restore(new FileReplicaClient(replica), RestoreOptions.latest(restored),
				RestoreProgress.NONE);
		assertThat(Sql.dump(restored).get("notes")).hasSize(1).first().asString().contains("ahead of time");
	}

	@Test
	void litestreamEnabledFalseIsHonouredAtRunTime() throws Exception {
		Path replica = this.dir.resolve("replica");
		int port = freePort();
		Process app = start(port, "--DB_PATH=" + this.dir.resolve("app.db"), "--REPLICA_URL=" + replica.toUri(),
				"--litestream.enabled=false");
		try {
			awaitHealth(app, port);
			assertThat(get(port, "/actuator/health")).doesNotContain("\"app\":{\"details\":{\"path\"");
		}
		finally {
			stop(app);
		}
		assertThat(Files.readString(log())).contains("Starting AOT-processed SampleApplication")
			.contains("Litestream is turned off (litestream.enabled=false)");
		assertThat(replica).doesNotExist();
	}

	private Process start(int port, String... arguments) throws IOException {
		assertThat(JAR).as("the packaged sample app (mvn package)").isRegularFile();
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
						"-Dspring.aot.enabled=true", "-jar", JAR.toAbsolutePath().toString(), "--server.port=" + port));
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).directory(this.dir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log().toFile())
			.start();
	}

	private Path log() {
		return this.dir.resolve("app.log");
	}

	private void awaitHealth(Process app, int port) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(app.isAlive()).as("the app is running; it printed:%n%s", Files.readString(log())).isTrue();
			try {
				if (get(port, "/actuator/health").contains("\"status\":\"UP\"")) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new AssertionError("no healthy app in 90 s; it printed:\n" + Files.readString(log()));
	}

	private String get(int port, String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(uri(port, path)).build(), HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private static URI uri(int port, String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

	/** SIGTERM, as an orchestrator stops it: a graceful shutdown with the final sync. */
	private static void stop(Process app) throws InterruptedException {
		app.destroy();
		if (!app.waitFor(60, TimeUnit.SECONDS)) {
			app.destroyForcibly().waitFor();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
