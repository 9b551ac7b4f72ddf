package io.pveq.store.jdbc;

import io.pveq.core.PveqException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One instance name held by this process on a PostgreSQL job store: a session advisory lock, keyed by the
 * name, on a connection of its own that stays open while the store is. PostgreSQL drops the lock when that
 * connection ends, also when the process is killed (the kernel closes its socket), so a restarted instance
 * gets its name back at once, while a second live process with the same name is refused. Thread-safe.
 */
final class InstanceReservation implements AutoCloseable {

    private final Connection connection;
    private final String instance;

    private InstanceReservation(Connection connection, String instance) {
        this.connection = connection;
        this.instance = instance;
    }

    /**
     * @throws PveqException when another live process holds {@code instance}, or the database cannot be asked
     */
    static InstanceReservation take(DataSource data, String instance, String description) {
        Connection c;
        try {
            c = data.getConnection();
        } catch (SQLException e) {
            throw new PveqException("job store " + description + ": cannot reserve the instance name '" + instance
                    + "': " + e.getMessage(), e);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            s.setLong(1, key(instance));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                if (!r.getBoolean(1)) {
                    throw new PveqException("instance name '" + instance + "' is in use by another live server on the"
                            + " job store " + description + "; give each instance its own INSTANCE_ID (two processes"
                            + " with one name would renew, and roll back, each other's jobs)");
                }
            }
            return new InstanceReservation(c, instance);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            if (e instanceof PveqException p) {
                throw p;
            }
            throw new PveqException("job store " + description + ": cannot reserve the instance name '" + instance
                    + "': " + e.getMessage(), e);
        }
    }

    /** The lock key: 64 bits of SHA-256 over a pveq prefix and the name (other users of the database use theirs). */
    static long key(String instance) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("pveq-instance:" + instance)
                    .getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** @return the name held */
    String instance() {
        return instance;
    }

    /** Releases the name (closing the connection ends the session and its lock). */
    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the session ends with the connection either way
        }
    }
}
