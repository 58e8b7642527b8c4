package io.github.jlitestream.sample;

import java.net.URI;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The notes API: {@code GET /notes}, {@code POST /notes}, {@code GET|PUT|DELETE
 * /notes/{id}}.
 *
 * @since 0.1.0
 */
@RestController
@RequestMapping("/notes")
public class NoteController {

	private final NoteRepository notes;

	public NoteController(NoteRepository notes) {
		this.notes = notes;
	}

	/** Every note, oldest first. */
	@GetMapping
	public List<Note> list() {
		return this.notes.findAll();
	}

	/** One note; 404 when there is none with that id. */
	@GetMapping("/{id}")
	public Note get(@PathVariable long id) {
		return this.notes.findById(id).orElseThrow(() -> notFound(id));
	}

	/** Creates a note; 201 with its location. */
	@PostMapping
	public ResponseEntity<Note> create(@RequestBody NoteRequest request) {
		Note note = this.notes.create(title(request), body(request));
		return ResponseEntity.created(URI.create("/notes/" + note.id())).body(note);
	}

	/** Replaces a note's title and body; 404 when there is none with that id. */
	@PutMapping("/{id}")
	public Note update(@PathVariable long id, @RequestBody NoteRequest request) {
		return this.notes.update(id, title(request), body(request)).orElseThrow(() -> notFound(id));
	}

	/** Deletes a note; 204, or 404 when there is none with that id. */
	@DeleteMapping("/{id}")
	public ResponseEntity<Void> delete(@PathVariable long id) {
		if (!this.notes.delete(id)) {
			throw notFound(id);
		}
		return ResponseEntity.noContent().build();
	}

	private static String title(NoteRequest request) {
		String title = request.title();
		if (title == null || title.isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "A note needs a non-blank title");
		}
		return title.strip();
	}

	private static String body(NoteRequest request) {
		return (request.body() != null) ? request.body() : "";
	}

	private static ResponseStatusException notFound(long id) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "No note " + id);
	}

}
