package io.github.jlitestream.core.lease;

/**
 * Who this instance is, as its lease records say.
 *
 * @param instance the engine's random id, new at each start
 * @param host the host name
 * @param pid the process id
 * @param database the absolute path of the database
 * @param local the id of the engine's local directory ({@link LocalLock#localId()})
 * @since 0.1.0
 */
public record LeaseIdentity(String instance, String host, long pid, String database, String local) {
}
