package io.github.jlitestream.core.util;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQLite names its WAL and shared-memory files after the database, in the same directory.
 */
class SqliteFilesTests {

	@Test
	void walAndShmAreSiblingsOfTheDatabase() {
		Path database = Path.of("/data/app.db");
		assertThat(SqliteFiles.walPath(database)).isEqualTo(Path.of("/data/app.db-wal"));
		assertThat(SqliteFiles.shmPath(database)).isEqualTo(Path.of("/data/app.db-shm"));
	}

}
