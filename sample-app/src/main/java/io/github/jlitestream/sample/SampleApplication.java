package io.github.jlitestream.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample application: a notes REST API on a SQLite database, replicated by
 * Litestream. With no settings it keeps its database in {@code ./data/app.db} and its
 * replica in {@code ./data/replica}; {@code DB_PATH} and {@code REPLICA_URL} move them,
 * and the {@code s3} profile replicates to S3 or an S3-compatible store.
 *
 * @since 0.1.0
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
