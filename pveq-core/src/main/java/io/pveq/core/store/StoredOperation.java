package io.pveq.core.store;

import io.pveq.core.OperationId;
import io.pveq.core.OperationState;
import io.pveq.core.VmId;
import io.pveq.core.event.OperationKind;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation as the store keeps it. The JSON documents ({@code spec}, {@code result},
 * {@code terminalEvent}) are written and read by pveq-core; a store keeps them verbatim and never
 * interprets them.
 *
 * @param id              the operation
 * @param kind            install, start, ...
 * @param vmId            the VM, once known
 * @param state           where it stands
 * @param owner           the instance running it (see {@link OperationStore#claim})
 * @param leaseUntil      until when the owner's claim holds unless renewed
 * @param startedAt       when it began
 * @param finishedAt      when it ended, once it has
 * @param cancelRequested true once anyone asked to cancel it
 * @param spec            what was asked, as JSON, without secrets (a password becomes {@code "password":true})
 * @param result          the result as JSON, once succeeded
 * @param terminalEvent   the last event as JSON, once finished
 * @param eventCount      how many events the log holds (filled in by the store when read; ignored on insert)
 */
public record StoredOperation(OperationId id, OperationKind kind, Optional<VmId> vmId, OperationState state, String owner,
                              Instant leaseUntil, Instant startedAt, Optional<Instant> finishedAt, boolean cancelRequested,
                              String spec, Optional<String> result, Optional<String> terminalEvent, int eventCount) {

    /** Validates. */
    public StoredOperation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(terminalEvent, "terminalEvent");
        if (eventCount < 0) {
            throw new IllegalArgumentException("eventCount must not be negative");
        }
    }

    /** @return a new running operation, as inserted */
    public static StoredOperation started(OperationId id, OperationKind kind, Optional<VmId> vmId, String owner,
                                          Instant leaseUntil, Instant startedAt, String spec) {
        return new StoredOperation(id, kind, vmId, OperationState.RUNNING, owner, leaseUntil, startedAt,
                Optional.empty(), false, spec, Optional.empty(), Optional.empty(), 0);
    }
}
