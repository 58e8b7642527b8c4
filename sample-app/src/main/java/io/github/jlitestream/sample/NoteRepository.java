package io.github.jlitestream.sample;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Notes in the {@code notes} table (created by {@code schema.sql} at startup), one
 * statement per operation, so every write is one short SQLite transaction.
 *
 * @since 0.1.0
 */
@Repository
public class NoteRepository {

	private static final String COLUMNS = "id, title, body, created_at, updated_at";

	private final JdbcClient jdbc;

	public NoteRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Every note, in id order. */
	public List<Note> findAll() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM notes ORDER BY id").query(NoteRepository::note).list();
	}

	/** The note with that id, if any. */
	public Optional<Note> findById(long id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM notes WHERE id = ?")
			.param(id)
			.query(NoteRepository::note)
			.optional();
	}

	/** Inserts a note and returns it as stored. */
	public Note create(String title, String body) {
		String now = Instant.now().toString();
		return this.jdbc
			.sql("INSERT INTO notes (title, body, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING " + COLUMNS)
			.params(title, body, now, now)
			.query(NoteRepository::note)
			.single();
	}

	/** Updates a note's title and body; empty when there is none with that id. */
	public Optional<Note> update(long id, String title, String body) {
		return this.jdbc.sql("UPDATE notes SET title = ?, body = ?, updated_at = ? WHERE id = ? RETURNING " + COLUMNS)
			.params(title, body, Instant.now().toString(), id)
			.query(NoteRepository::note)
			.optional();
	}

	/** Deletes a note; whether one was there. */
	public boolean delete(long id) {
		return this.jdbc.sql("DELETE FROM notes WHERE id = ?").param(id).update() > 0;
	}

	private static Note note(ResultSet rs, int row) throws SQLException {
		return new Note(rs.getLong("id"), rs.getString("title"), rs.getString("body"),
				Instant.parse(rs.getString("created_at")), Instant.parse(rs.getString("updated_at")));
	}

}
