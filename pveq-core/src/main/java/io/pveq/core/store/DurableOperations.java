package io.pveq.core.store;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Makes a provisioner's long operations durable: kept in {@code store}, owned by this {@code instance}
 * under a lease it renews every {@code poll}, rolled back from their journal after a restart (at once,
 * for the operations this instance owned before) or by another instance once the lease has run out.
 *
 * @param store        where operations live; the provisioner does not close it
 * @param instance     this process's name among the instances sharing {@code store}, stable across its
 *                     restarts (1-128 letters, digits, {@code . _ : -}); two live processes must never share one
 * @param lease        how long a claim holds without renewal: how soon after a crash another instance takes
 *                     over; at least 3 times {@code poll}
 * @param poll         how often leases are renewed, cancel requests picked up, expired leases looked for and
 *                     events of operations running elsewhere fetched
 * @param keepFinished finished operations kept at most (the oldest go first), besides the time limit
 *                     {@link io.pveq.core.ProvisionerSettings.Timeouts#operationRetention()}
 */
public record DurableOperations(OperationStore store, String instance, Duration lease, Duration poll, int keepFinished) {

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** Validates. */
    public DurableOperations {
        Objects.requireNonNull(store, "store");
        if (instance == null || !INSTANCE.matcher(instance).matches()) {
            throw new IllegalArgumentException("instance must be 1-128 letters, digits, '.', '_', ':' or '-', got '"
                    + instance + "'");
        }
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(poll, "poll");
        if (poll.toMillis() < 10 || lease.compareTo(poll.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("poll must be at least 10 ms and lease at least 3 polls, got poll "
                    + poll + ", lease " + lease);
        }
        if (keepFinished < 1) {
            throw new IllegalArgumentException("keepFinished must be at least 1, got " + keepFinished);
        }
    }

    /** @return durability over {@code store} with a 15 s lease, a 1 s poll, 1000 finished operations kept */
    public static DurableOperations of(OperationStore store, String instance) {
        return new DurableOperations(store, instance, Duration.ofSeconds(15), Duration.ofSeconds(1), 1000);
    }
}
