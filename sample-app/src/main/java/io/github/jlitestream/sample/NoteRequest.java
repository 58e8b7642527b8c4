package io.github.jlitestream.sample;

import org.jspecify.annotations.Nullable;

/**
 * The body of a request that creates or replaces a note.
 *
 * @param title the title, required
 * @param body the text; missing means empty
 * @since 0.1.0
 */
public record NoteRequest(@Nullable String title, @Nullable String body) {
}
