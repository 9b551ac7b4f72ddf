package io.pveq.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.PveqException;
import io.pveq.core.Secret;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationKind;
import io.pveq.core.store.OperationStore;
import io.pveq.core.store.StoredEvent;
import io.pveq.core.store.StoredJournalEntry;
import io.pveq.core.store.StoredOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job store on JDBC: SQLite in a file ({@link #embedded}) or PostgreSQL ({@link #connect}), or any
 * {@link DataSource} of either ({@link #over}). Opening migrates the schema to the latest version with
 * Flyway (history table {@code pveq_schema_history}); all tables are prefixed {@code pveq_}, so a
 * shared database is fine. Every method is one statement or one transaction. Thread-safe;
 * {@link #close()} closes the connection pool it made.
 */
public final class JdbcOperationStore implements OperationStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcOperationStore.class);
    private static final String COLUMNS = "o.id, o.kind, o.vm_id, o.state, o.owner, o.lease_until, o.started_at,"
            + " o.finished_at, o.cancel_requested, o.spec, o.result, o.terminal_event,"
            + " (SELECT COUNT(*) FROM pveq_event e WHERE e.op_id = o.id) AS events";

    private final DataSource data;
    private final Optional<HikariDataSource> ownPool;
    private final String description;
    private final boolean postgres;
    private Optional<java.nio.channels.FileChannel> lockFile = Optional.empty();
    private volatile InstanceReservation reservation;

    private JdbcOperationStore(DataSource data, Optional<HikariDataSource> ownPool, String description) {
        this.data = data;
        this.ownPool = ownPool;
        this.description = description;
        try (Connection c = data.getConnection()) {
            this.postgres = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            ownPool.ifPresent(HikariDataSource::close);
            throw new PveqException("cannot open the job store " + description + ": " + e.getMessage(), e);
        }
        try {
            Flyway.configure(JdbcOperationStore.class.getClassLoader())
                    .dataSource(data)
                    .locations("classpath:io/pveq/store/jdbc/migration")
                    .table("pveq_schema_history")
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ownPool.ifPresent(HikariDataSource::close);
            throw new PveqException("cannot prepare the job store " + description + ": " + e.getMessage(), e);
        }
    }

    /**
     * A SQLite database in {@code folder} (file {@code jobs.db}, write-ahead log), created when missing,
     * for one process: the folder is locked ({@code jobs.lock}) while the store is open, and a second
     * process gets an error naming it. A commit has reached the file system when it returns
     * ({@code synchronous=NORMAL}: a killed process loses nothing; a power cut may lose the last commits).
     * One connection: SQLite has one writer at a time anyway, and this keeps transactions from ever
     * failing busy.
     *
     * @param folder the server's data folder; created when missing
     * @return the store
     */
    public static JdbcOperationStore embedded(Path folder) {
        Path dir = folder.toAbsolutePath();
        java.nio.channels.FileChannel lockFile;
        try {
            Files.createDirectories(dir);
            lockFile = java.nio.channels.FileChannel.open(dir.resolve("jobs.lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        } catch (java.io.IOException e) {
            throw new PveqException("cannot create the job store folder " + dir + ": " + e.getMessage(), e);
        }
        try {
            if (lockFile.tryLock() == null) {
                throw new PveqException("the job store in " + dir + " is in use by another process (a second server"
                        + " on the same DATA_DIR?)");
            }
        } catch (java.io.IOException | java.nio.channels.OverlappingFileLockException e) {
            closeQuietly(lockFile);
            throw new PveqException("the job store in " + dir + " is in use by another process or store: " + e, e);
        } catch (PveqException e) {
            closeQuietly(lockFile);
            throw e;
        }
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl("jdbc:sqlite:" + dir.resolve("jobs.db") + "?journal_mode=WAL&synchronous=NORMAL"
                + "&busy_timeout=10000&foreign_keys=on");
        pool.setMaximumPoolSize(1);
        try {
            JdbcOperationStore store = pooled(pool, "SQLite " + dir.resolve("jobs.db"));
            store.lockFile = Optional.of(lockFile);
            return store;
        } catch (RuntimeException e) {
            closeQuietly(lockFile);
            throw e;
        }
    }

    private static void closeQuietly(java.nio.channels.FileChannel channel) {
        try {
            channel.close();
        } catch (java.io.IOException ignored) {
            // nothing left to release
        }
    }

    /**
     * A PostgreSQL (or SQLite) database by JDBC URL, e.g. {@code jdbc:postgresql://db.example:5432/pveq}.
     *
     * @param password empty when the server needs none (trust or peer authentication)
     * @return the store
     */
    public static JdbcOperationStore connect(String jdbcUrl, String user, Optional<Secret> password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        pool.setUsername(user);
        password.ifPresent(p -> pool.setPassword(p.reveal()));
        pool.setMaximumPoolSize(9); // 8 for the work, 1 held by reserveInstance
        pool.setConnectionTimeout(10_000);
        return pooled(pool, redacted(jdbcUrl));
    }

    /** A store over a data source the caller owns (and closes). */
    public static JdbcOperationStore over(DataSource dataSource) {
        return new JdbcOperationStore(Objects.requireNonNull(dataSource, "dataSource"), Optional.empty(), "(data source)");
    }

    private static JdbcOperationStore pooled(HikariConfig config, String description) {
        config.setPoolName("pveq-jobs");
        config.setMinimumIdle(1);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new PveqException("cannot open the job store " + description + ": " + rootMessage(e), e);
        }
        return new JdbcOperationStore(pool, Optional.of(pool), description);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** @return the URL without a password parameter */
    static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1<hidden>");
    }

    /** @return where the store is, for logs and {@code /api/info} (no password) */
    public String describe() {
        return description;
    }

    // ---- plumbing ----------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(Work<T> work) {
        try (Connection c = data.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private <T> T transaction(Work<T> work) {
        try (Connection c = data.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T value = work.run(c);
                c.commit();
                return value;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private PveqException failure(SQLException e) {
        return new PveqException("job store " + description + ": " + e.getMessage(), e);
    }

    private static int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, values);
            return s.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof Optional<?> o) {
                v = o.orElse(null);
            }
            if (v == null) {
                s.setNull(i + 1, Types.NULL); // untyped: PostgreSQL infers the column's type
            } else if (v instanceof Instant t) {
                s.setLong(i + 1, t.toEpochMilli());
            } else if (v instanceof Integer n) {
                s.setInt(i + 1, n);
            } else if (v instanceof Long n) {
                s.setLong(i + 1, n);
            } else if (v instanceof Boolean b) {
                s.setBoolean(i + 1, b);
            } else {
                s.setString(i + 1, v.toString());
            }
        }
    }

    private static List<StoredOperation> operations(Connection c, String where, Object... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM pveq_operation o " + where)) {
            bind(s, values);
            List<StoredOperation> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(operation(r));
                }
            }
            return out;
        }
    }

    private static StoredOperation operation(ResultSet r) throws SQLException {
        int vm = r.getInt("vm_id");
        Optional<VmId> vmId = r.wasNull() ? Optional.empty() : Optional.of(VmId.of(vm));
        long finished = r.getLong("finished_at");
        Optional<Instant> finishedAt = r.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(finished));
        return new StoredOperation(new OperationId(r.getString("id")), OperationKind.valueOf(r.getString("kind")), vmId,
                OperationState.valueOf(r.getString("state")), r.getString("owner"),
                Instant.ofEpochMilli(r.getLong("lease_until")), Instant.ofEpochMilli(r.getLong("started_at")), finishedAt,
                r.getBoolean("cancel_requested"), r.getString("spec"), Optional.ofNullable(r.getString("result")),
                Optional.ofNullable(r.getString("terminal_event")), r.getInt("events"));
    }

    // ---- the store ---------------------------------------------------------------------------------

    @Override
    public void insert(StoredOperation o) {
        read(c -> update(c, "INSERT INTO pveq_operation (id, kind, vm_id, state, owner, lease_until, started_at,"
                + " finished_at, cancel_requested, spec, result, terminal_event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                o.id().value(), o.kind().name(), o.vmId().map(VmId::value), o.state().name(), o.owner(), o.leaseUntil(),
                o.startedAt(), o.finishedAt(), o.cancelRequested(), o.spec(), o.result(), o.terminalEvent()));
    }

    @Override
    public void setVm(OperationId id, VmId vmId) {
        read(c -> update(c, "UPDATE pveq_operation SET vm_id = ? WHERE id = ?", vmId.value(), id.value()));
    }

    /**
     * On PostgreSQL an event is committed without waiting for the server's WAL flush
     * ({@code synchronous_commit = off} for that transaction only): it is visible to every instance and
     * survives pveq being killed the moment the method returns; only a crash of the PostgreSQL server itself
     * within a fraction of a second could lose it. Journal entries and the end of an operation keep the
     * fully synchronous commit. Measured here: 3.6 ms per event with the flush, see BENCHMARKS.md.
     */
    @Override
    public void appendEvent(OperationId id, StoredEvent event) {
        if (!postgres) {
            read(c -> update(c, "INSERT INTO pveq_event (op_id, idx, body) VALUES (?, ?, ?)", id.value(), event.index(),
                    event.json()));
            return;
        }
        transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit TO OFF");
            }
            return update(c, "INSERT INTO pveq_event (op_id, idx, body) VALUES (?, ?, ?)", id.value(), event.index(),
                    event.json());
        });
    }

    /** One row of a log table: its number and its document. */
    @FunctionalInterface
    private interface Row<T> {
        T of(int number, String body);
    }

    /** @return the (number, body) rows {@code sql} selects, in its order */
    private <T> List<T> rows(String sql, Row<T> row, Object... values) {
        return read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                bind(s, values);
                List<T> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(row.of(r.getInt(1), r.getString(2)));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public List<StoredEvent> events(OperationId id, int fromIndex) {
        return rows("SELECT idx, body FROM pveq_event WHERE op_id = ? AND idx >= ? ORDER BY idx", StoredEvent::new,
                id.value(), fromIndex);
    }

    @Override
    public void putJournal(OperationId id, StoredJournalEntry entry) {
        read(c -> update(c, "INSERT INTO pveq_journal (op_id, seq, body) VALUES (?, ?, ?)", id.value(), entry.seq(),
                entry.json()));
    }

    @Override
    public void dropJournal(OperationId id, int seq) {
        read(c -> update(c, "DELETE FROM pveq_journal WHERE op_id = ? AND seq = ?", id.value(), seq));
    }

    @Override
    public List<StoredJournalEntry> journal(OperationId id) {
        return rows("SELECT seq, body FROM pveq_journal WHERE op_id = ? ORDER BY seq", StoredJournalEntry::new, id.value());
    }

    @Override
    public boolean finish(OperationId id, String owner, OperationState state, Instant finishedAt, Optional<String> result,
                          StoredEvent terminalEvent) {
        if (!state.isFinished()) {
            throw new IllegalArgumentException("finish needs a finished state, got " + state);
        }
        return transaction(c -> {
            int changed = update(c, "UPDATE pveq_operation SET state = ?, finished_at = ?, result = ?, terminal_event = ?"
                    + " WHERE id = ? AND owner = ? AND state = 'RUNNING'", state.name(), finishedAt, result,
                    terminalEvent.json(), id.value(), owner);
            if (changed == 0) {
                return false;
            }
            update(c, "INSERT INTO pveq_event (op_id, idx, body) VALUES (?, ?, ?)", id.value(), terminalEvent.index(),
                    terminalEvent.json());
            update(c, "DELETE FROM pveq_journal WHERE op_id = ?", id.value());
            return true;
        });
    }

    @Override
    public Optional<StoredOperation> find(OperationId id) {
        return read(c -> operations(c, "WHERE o.id = ?", id.value()).stream().findFirst());
    }

    @Override
    public List<StoredOperation> list(int limit) {
        return read(c -> operations(c, "ORDER BY o.started_at DESC, o.id LIMIT ?", Math.max(0, limit)));
    }

    @Override
    public List<StoredOperation> running() {
        return read(c -> operations(c, "WHERE o.state = 'RUNNING'"));
    }

    @Override
    public List<StoredOperation> renew(String owner, Instant until) {
        return transaction(c -> {
            update(c, "UPDATE pveq_operation SET lease_until = ? WHERE owner = ? AND state = 'RUNNING'", until, owner);
            return operations(c, "WHERE o.owner = ? AND o.state = 'RUNNING'", owner);
        });
    }

    @Override
    public boolean claim(OperationId id, String owner, Instant now, Instant until) {
        return read(c -> update(c, "UPDATE pveq_operation SET owner = ?, lease_until = ? WHERE id = ? AND state = 'RUNNING'"
                + " AND (lease_until < ? OR owner = ?)", owner, until, id.value(), now, owner)) == 1;
    }

    @Override
    public boolean requestCancel(OperationId id) {
        return read(c -> update(c, "UPDATE pveq_operation SET cancel_requested = TRUE WHERE id = ? AND state = 'RUNNING'"
                + " AND cancel_requested = FALSE", id.value())) == 1;
    }

    @Override
    public int purge(Instant finishedBefore, int keep) {
        return transaction(c -> {
            List<String> doomed = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, finished_at FROM pveq_operation"
                    + " WHERE state <> 'RUNNING' ORDER BY finished_at DESC, id")) {
                try (ResultSet r = s.executeQuery()) {
                    int rank = 0;
                    while (r.next()) {
                        if (rank++ >= keep || r.getLong(2) < finishedBefore.toEpochMilli()) {
                            doomed.add(r.getString(1));
                        }
                    }
                }
            }
            for (String id : doomed) {
                update(c, "DELETE FROM pveq_event WHERE op_id = ?", id);
                update(c, "DELETE FROM pveq_journal WHERE op_id = ?", id);
                update(c, "DELETE FROM pveq_operation WHERE id = ?", id);
            }
            return doomed.size();
        });
    }

    /**
     * Reserves an instance name for this process while the store stays open, so two live servers never run
     * under one name (each would renew the other's leases and roll back its jobs as its own after a restart).
     * On PostgreSQL a session advisory lock on a connection of its own: released when the store closes or the
     * process dies, so a restarted instance takes its name back at once. An {@link #embedded} store is one
     * process's already (its folder is locked), and other databases are not checked. Calling it again with
     * the name already held does nothing.
     *
     * @throws PveqException naming the instance when another live process holds it
     * @throws IllegalStateException when this store holds another name already
     */
    public synchronized void reserveInstance(String instance) {
        Objects.requireNonNull(instance, "instance");
        if (!postgres) {
            return;
        }
        if (reservation != null) {
            if (reservation.instance().equals(instance)) {
                return;
            }
            throw new IllegalStateException("this store holds the instance name '" + reservation.instance()
                    + "' already, not '" + instance + "'");
        }
        reservation = InstanceReservation.take(data, instance, description);
    }

    @Override
    public void close() {
        InstanceReservation held = reservation;
        if (held != null) {
            held.close();
        }
        ownPool.ifPresent(pool -> {
            pool.close();
            LOG.debug("job store {} closed", description);
        });
        lockFile.ifPresent(JdbcOperationStore::closeQuietly);
    }

    @Override
    public String toString() {
        return "JdbcOperationStore[" + description + "]";
    }
}
