package io.github.jlitestream.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.LitestreamBinary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, acceptance 1 and 3: a mistaken DELETE undone through the endpoint. Notes are
 * written, the time noted, notes deleted; a rollback to the noted time is staged over
 * HTTP, the application restarted: it serves exactly the notes of that time, the file
 * moved aside holds the later state, and the replica's newest generation restores to the
 * rolled-back state, by this project and by Litestream v0.3.13. Without write access, or
 * with a time outside the window, nothing is staged.
 */
class SampleApplicationRollbackTests {

	@TempDir
	Path dir;

	@Test
	void aRollbackStagedOverHttpIsAppliedAtTheRestart() throws Exception {
		Path db = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		Map<String, String> settings = SampleApp.fileReplica(db, replica);
		settings.put("management.endpoint.litestream.access", "unrestricted");
		List<String> noted;
		Instant at;
		Generation before;
		try (SampleApp app = SampleApp.start(settings)) {
			app.create("first", "kept");
			app.create("second", "deleted by mistake");
			app.create("third", "deleted by mistake too");
			assertThat(post(app, Map.of("action", "sync")).getStatusCode().value()).isEqualTo(200);
			noted = titles(app);
			Thread.sleep(1100);
			at = Instant.now();
			Thread.sleep(1100);
			app.delete(2);
			app.delete(3);
			app.create("fourth", "written after the mistake");
			assertThat(post(app, Map.of("action", "sync")).getStatusCode().value()).isEqualTo(200);
			before = new Generation(String.valueOf(status(app).get("generation")));

			ResponseEntity<String> outside = post(app,
					Map.of("action", "rollback", "timestamp", "2001-01-01T00:00:00Z"));
			assertThat(outside.getStatusCode().value()).isEqualTo(400);
			assertThat(outside.getBody()).contains("nothing to roll back to");
			assertThat(String.valueOf(status(app).get("rollback"))).doesNotContain("staged");

			ResponseEntity<String> staged = post(app, Map.of("action", "rollback", "timestamp", at.toString()));
			assertThat(staged.getStatusCode().value()).as(staged.getBody()).isEqualTo(200);
			assertThat(staged.getBody()).contains("\"target\":\"timestamp " + at + "\"")
				.contains("\"requestedBy\":\"/actuator/litestream by anonymous\"");
			assertThat(titles(app)).as("staging leaves the live database alone").containsExactly("first", "fourth");
			assertThat(String.valueOf(status(app).get("rollback"))).contains("target=timestamp " + at);
		}
		try (SampleApp app = SampleApp.start(settings)) {
			assertThat(titles(app)).as("rolled back at the restart").isEqualTo(noted);
			String metrics = app.client().get().uri("/actuator/prometheus").retrieve().body(String.class);
			assertThat(metrics).as("the rollback applied at the start, counted")
				.containsPattern("litestream_rollback_total\\{[^}]*event=\"applied\"[^}]*\\} 1\\.0");
			Map<String, Object> status = status(app);
			assertThat(String.valueOf(status.get("rollback"))).doesNotContain("staged=")
				.contains("lastApplied={target=timestamp " + at);
			Path aside;
			try (Stream<Path> files = Files.list(this.dir)) {
				aside = files.filter((file) -> file.getFileName().toString().startsWith("app.db.before-rollback-"))
					.findFirst()
					.orElseThrow();
			}
			assertThat(Sql.dump(aside).get("notes").toString()).contains("fourth").doesNotContain("second");
			app.create("fifth", "after the rollback");
			assertThat(post(app, Map.of("action", "sync")).getStatusCode().value()).isEqualTo(200);
			Generation rolledBack = new Generation(String.valueOf(status(app).get("generation")));
			assertThat(rolledBack).isNotEqualTo(before);
			Path ours = this.dir.resolve("ours.db");
			new Restorer(ReplicaCodec.litestream()).restore(new FileReplicaClient(replica), RestoreOptions.latest(ours),
					RestoreProgress.NONE);
			Map<String, List<String>> live = Sql.dump(db);
			assertThat(Sql.dump(ours)).isEqualTo(live);
			Path theirs = this.dir.resolve("theirs.db");
			LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 60, "restore", "-o", theirs.toString(),
					replica.toUri().toString());
			assertThat(result.exitCode()).as(result.output()).isZero();
			assertThat(Sql.dump(theirs)).isEqualTo(live);
			Path older = this.dir.resolve("older.db");
			new Restorer(ReplicaCodec.litestream()).restore(new FileReplicaClient(replica),
					RestoreOptions.builder(older).generation(before).build(), RestoreProgress.NONE);
			assertThat(Sql.dump(older).get("notes").toString()).as("the generation rolled back from, by id")
				.contains("fourth");
		}
	}

	@Test
	void withoutWriteAccessNothingIsStaged() {
		try (SampleApp app = SampleApp
			.start(SampleApp.fileReplica(this.dir.resolve("app.db"), this.dir.resolve("replica")))) {
			ResponseEntity<String> refused = post(app,
					Map.of("action", "rollback", "timestamp", Instant.now().toString()));
			assertThat(refused.getStatusCode().value()).isEqualTo(405);
			assertThat(refused.getBody()).contains("management.endpoint.litestream.access=unrestricted");
			assertThat(this.dir.resolve(".app.db-rollback")).doesNotExist();
		}
	}

	private static List<String> titles(SampleApp app) {
		return app.notes().stream().map(Note::title).toList();
	}

	private static Map<String, Object> status(SampleApp app) {
		Map<String, Object> all = app.client()
			.get()
			.uri("/actuator/litestream")
			.retrieve()
			.body(new ParameterizedTypeReference<Map<String, Object>>() {
			});
		@SuppressWarnings("unchecked")
		Map<String, Object> databases = (Map<String, Object>) all.get("databases");
		@SuppressWarnings("unchecked")
		Map<String, Object> database = (Map<String, Object>) databases.get("app");
		return database;
	}

	private static ResponseEntity<String> post(SampleApp app, Map<String, String> body) {
		return app.client()
			.post()
			.uri("/actuator/litestream/app")
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.onStatus(HttpStatusCode::isError, (request, response) -> {
			})
			.toEntity(String.class);
	}

}
