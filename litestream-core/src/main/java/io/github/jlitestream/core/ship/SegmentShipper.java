package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.util.OptionalLong;
import java.util.function.Consumer;

import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.capture.Database;
import org.jspecify.annotations.Nullable;

/**
 * Ships a replica's segments: from its position to where the shadow WAL ends, one segment
 * per WAL index, and encodes the next one ahead while the replica waits. Called under the
 * replica's lock.
 */
final class SegmentShipper {

	private final Database database;

	private final SegmentDrafts drafts;

	private final ReplicaUploads uploads;

	private final ReplicaInventory inventory;

	private final String replicaName;

	SegmentShipper(Database database, SegmentDrafts drafts, ReplicaUploads uploads, ReplicaInventory inventory,
			String replicaName) {
		this.database = database;
		this.drafts = drafts;
		this.uploads = uploads;
		this.inventory = inventory;
		this.replicaName = replicaName;
	}

	/**
	 * Uploads segments from {@code from} to {@code end}, telling {@code advanced} each
	 * position the store then holds, so a failure half-way keeps what was shipped.
	 * Commits that arrive meanwhile wait for the next sync: chasing them would turn a
	 * busy database into a stream of small uploads.
	 * @param from the replica's position, or null when unknown (nothing is shipped)
	 * @param end where the shadow WAL ends now
	 */
	void ship(@Nullable Position from, @Nullable Position end, Consumer<Position> advanced) throws IOException {
		Position current = from;
		while (true) {
			OptionalLong shippable = shippableEnd(current, end);
			if (current == null || shippable.isEmpty()) {
				return;
			}
			long size = shippable.getAsLong();
			if (size < 0) {
				throw new LitestreamException("Replica '" + this.replicaName + "' is at " + current
						+ " but the local shadow WAL of that index is gone; a new snapshot is needed");
			}
			if (current.offset() > size) {
				throw new LitestreamException("Replica '" + this.replicaName + "' is at " + current
						+ ", beyond the local shadow WAL (" + size + " bytes)");
			}
			if (current.offset() < size) {
				this.inventory.added(this.uploads.segment(current, size - current.offset()));
				current = current.withOffset(size);
			}
			else if (current.index() < end.index()) {
				current = new Position(current.generation(), current.index() + 1, 0);
			}
			else {
				return;
			}
			advanced.accept(current);
		}
	}

	/**
	 * Encodes what the shadow WAL holds beyond {@code from} into the next segment, ahead
	 * of its upload; discards the draft when nothing can be shipped from there.
	 */
	void prepare(@Nullable Position from, @Nullable Position end) throws IOException {
		OptionalLong size = shippableEnd(from, end);
		if (from == null || size.isEmpty()) {
			this.drafts.discard();
			return;
		}
		this.drafts.prepare(from, size.getAsLong());
	}

	/**
	 * How far the shadow WAL of the position's index may be shipped: to the database's
	 * position in its current index, to the end of the index's shadow WAL in an earlier
	 * one (negative when that is gone). Empty when the position is unknown or the
	 * database is in another generation: nothing can be shipped from it.
	 */
	private OptionalLong shippableEnd(@Nullable Position current, @Nullable Position end) throws IOException {
		if (current == null || end == null || !end.generation().equals(current.generation())) {
			return OptionalLong.empty();
		}
		return OptionalLong.of((current.index() == end.index()) ? end.offset()
				: this.database.shadowSize(current.generation(), current.index()));
	}

}
