package io.github.jlitestream.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/**
 * The sample application, started in this JVM the way {@code java -jar} starts it
 * (settings as command-line arguments, which take precedence as environment variables
 * would), on a free port, with a client for its API. {@link #close()} shuts it down
 * gracefully: the web server stops, then Litestream's final sync, then the DataSource.
 */
final class SampleApp implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final RestClient client;

	private SampleApp(ConfigurableApplicationContext context) {
		this.context = context;
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		this.client = RestClient.builder().baseUrl("http://127.0.0.1:" + port).build();
	}

	/**
	 * Starts the application with these settings (such as {@code DB_PATH}), on a free
	 * port.
	 */
	static SampleApp start(Map<String, String> settings) {
		return new SampleApp(new SpringApplicationBuilder(SampleApplication.class).main(SampleApplication.class)
			.registerShutdownHook(false)
			.run(arguments(settings)));
	}

	/** The command line of these settings, on a free port. */
	static String[] arguments(Map<String, String> settings) {
		Map<String, String> all = new LinkedHashMap<>(settings);
		all.putIfAbsent("server.port", "0");
		List<String> arguments = new ArrayList<>();
		all.forEach((key, value) -> arguments.add("--" + key + "=" + value));
		return arguments.toArray(String[]::new);
	}

	/**
	 * Settings of the default profile: this database, replicated to a file replica in
	 * this directory.
	 */
	static Map<String, String> fileReplica(Path database, Path replica) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("DB_PATH", database.toString());
		settings.put("REPLICA_URL", replica.toUri().toString());
		return settings;
	}

	/**
	 * Deletes a database file with its -wal and -shm files, as when a machine loses its
	 * disk.
	 */
	static void deleteDatabase(Path database) throws IOException {
		for (String suffix : new String[] { "", "-wal", "-shm" }) {
			Files.deleteIfExists(Path.of(database + suffix));
		}
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	List<Note> notes() {
		return this.client.get().uri("/notes").retrieve().body(new ParameterizedTypeReference<List<Note>>() {
		});
	}

	Note note(long id) {
		return this.client.get().uri("/notes/{id}", id).retrieve().body(Note.class);
	}

	Note create(String title, String body) {
		return this.client.post()
			.uri("/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.body(new NoteRequest(title, body))
			.retrieve()
			.body(Note.class);
	}

	Note update(long id, String title, String body) {
		return this.client.put()
			.uri("/notes/{id}", id)
			.contentType(MediaType.APPLICATION_JSON)
			.body(new NoteRequest(title, body))
			.retrieve()
			.body(Note.class);
	}

	void delete(long id) {
		this.client.delete().uri("/notes/{id}", id).retrieve().toBodilessEntity();
	}

	RestClient client() {
		return this.client;
	}

	@Override
	public void close() {
		this.context.close();
	}

}
