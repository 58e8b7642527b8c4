package io.github.jlitestream.sample;

import java.time.Instant;

/**
 * A stored note.
 *
 * @param id its identifier, never reused
 * @param title its title
 * @param body its text, possibly empty
 * @param createdAt when it was created
 * @param updatedAt when it was last changed
 * @since 0.1.0
 */
public record Note(long id, String title, String body, Instant createdAt, Instant updatedAt) {
}
