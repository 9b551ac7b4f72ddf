package io.pveq.server;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the server keeps across restarts, filled by {@link EnvConfig}: the job store (jobs, their event
 * logs and rollback journals), this instance's name among those sharing it, and, in simulated mode,
 * the simulated cluster's state. Immutable.
 *
 * @param dataDir     {@code DATA_DIR}: the embedded job store and the generated instance name live here
 *                    (default {@code ./data})
 * @param store       {@code JOB_STORE_URL}: where jobs are kept
 * @param storeUser   {@code JOB_STORE_USER} for PostgreSQL (default {@code pveq})
 * @param storePassword {@code JOB_STORE_PASSWORD} for PostgreSQL; empty: none (trust, peer or a .pgpass)
 * @param instance    {@code INSTANCE_ID}: this process's name among the instances sharing the store; empty:
 *                    generated once and kept in {@code DATA_DIR/instance-id}
 * @param lease       {@code JOB_LEASE} (seconds, default 15): how soon another instance takes over the jobs of
 *                    one that stopped
 * @param retention   {@code JOB_RETENTION} (hours, default 24): how long finished jobs are listed
 * @param history     {@code JOB_HISTORY} (default 1000): finished jobs kept at most
 * @param simState    {@code SIM_STATE_DIR}: the simulated cluster's state folder, kept across restarts; empty:
 *                    in memory (simulated mode only)
 */
public record StateConfig(Path dataDir, Store store, String storeUser, Optional<Secret> storePassword,
                          Optional<String> instance, Duration lease, Duration retention, int history,
                          Optional<Path> simState) {

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** Where jobs are kept ({@code JOB_STORE_URL}). */
    public sealed interface Store {
        /** Nothing set: SQLite in {@code DATA_DIR}, for one server process. */
        record Embedded() implements Store {
        }

        /** {@code memory}: not kept; a restart forgets jobs and leaves what was running as it was. */
        record Memory() implements Store {
        }

        /** A JDBC URL ({@code jdbc:postgresql://host:5432/pveq}): shared by several server instances. */
        record Jdbc(String url) implements Store {
        }

        /**
         * @param text the variable's value; empty for the default
         * @return the store it names
         * @throws InvalidSpecException naming {@code JOB_STORE_URL} for anything else
         */
        static Store parse(String text) {
            String t = text == null ? "" : text.strip();
            if (t.isEmpty() || t.equalsIgnoreCase("embedded")) {
                return new Embedded();
            }
            if (t.equalsIgnoreCase("memory")) {
                return new Memory();
            }
            if (t.startsWith("postgresql://") || t.startsWith("postgres://")) {
                t = "jdbc:postgresql://" + t.substring(t.indexOf("://") + 3);
            }
            if (t.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql://") || t.startsWith("jdbc:sqlite:")) {
                return new Jdbc(t);
            }
            throw new InvalidSpecException("JOB_STORE_URL", "must be empty (embedded), memory, or a PostgreSQL URL such"
                    + " as jdbc:postgresql://db.example:5432/pveq, got '" + InvalidSpecException.shorten(t) + "'");
        }
    }

    /** @throws InvalidSpecException naming the variable at fault */
    public StateConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(store, "store");
        if (storeUser == null || storeUser.isBlank()) {
            throw new InvalidSpecException("JOB_STORE_USER", "must not be empty");
        }
        Objects.requireNonNull(storePassword, "storePassword");
        Objects.requireNonNull(instance, "instance");
        instance.ifPresent(i -> {
            if (!INSTANCE.matcher(i).matches()) {
                throw new InvalidSpecException("INSTANCE_ID", "must be 1-128 letters, digits, '.', '_', ':' or '-', got '"
                        + InvalidSpecException.shorten(i) + "'");
            }
        });
        if (lease == null || lease.toSeconds() < 3 || lease.toSeconds() > 3600) {
            throw new InvalidSpecException("JOB_LEASE", "must be between 3 and 3600 seconds");
        }
        if (retention == null || retention.toHours() < 1 || retention.toDays() > 366) {
            throw new InvalidSpecException("JOB_RETENTION", "must be between 1 and 8784 hours");
        }
        if (history < 1 || history > 1_000_000) {
            throw new InvalidSpecException("JOB_HISTORY", "must be between 1 and 1000000, got " + history);
        }
        Objects.requireNonNull(simState, "simState");
    }
}
