package io.pveq.core.event;

import io.pveq.core.Ipv4Address;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.Optional;

/**
 * One progress report of a long operation (install, start, reboot, shutdown, migrate). Each event
 * maps one to one onto an SSE line
 * {@code data: {"step":...,"status":...,"message":...,"vm_id":...,"ip":...}}: {@link #stage()}
 * gives {@code step}, {@link #status()} {@code status}, {@link #message()} {@code message}
 * (complete, elapsed time included), {@link #vmId()} and {@link #ip()} the optional fields;
 * {@link #toJson()} writes exactly that object. Events are immutable values, safe to keep in a
 * replay log and to share between threads.
 *
 * <p>A run emits, per stage, a {@link StageStarted}, any number of {@link StageDetail},
 * {@link TransferProgress} and {@link ReadinessAttempt}, then a {@link StageSucceeded} or a
 * {@link StageFailed}; after a failure or cancellation the {@link Stage#ROLLING_BACK} stage reports
 * the undo. The last event of every run is exactly one terminal event: {@link OperationSucceeded}
 * or {@link OperationFailed}.
 */
public sealed interface ProgressEvent permits StageStarted, StageDetail, TransferProgress, ReadinessAttempt,
        StageSucceeded, StageFailed, OperationSucceeded, OperationFailed {

    /** @return the stage reported on (SSE {@code step} is its {@link Stage#label()}) */
    Stage stage();

    /** @return the SSE {@code status} */
    EventStatus status();

    /** @return the complete, human-readable SSE {@code message}, e.g. {@code [+] VM created successfully (2.45s)} */
    String message();

    /** @return elapsed time and the VM id and address known when the event was emitted */
    EventContext context();

    /** @return time since the operation began */
    default Duration elapsed() {
        return context().elapsed();
    }

    /** @return the VM (SSE {@code vm_id}), once known */
    default Optional<VmId> vmId() {
        return context().vmId();
    }

    /** @return the VM's address (SSE {@code ip}), once known */
    default Optional<Ipv4Address> ip() {
        return context().ip();
    }

    /** @return true for the last event of a run: {@link OperationSucceeded} or {@link OperationFailed} */
    default boolean isTerminal() {
        return false;
    }

    /**
     * @return the SSE JSON object, one line, properly escaped, keys in the order
     *         {@code step, status, message, vm_id, ip}; {@code vm_id} and {@code ip} are left out
     *         while unknown
     */
    default String toJson() {
        StringBuilder out = new StringBuilder(96 + message().length());
        out.append("{\"step\":");
        Json.string(out, stage().label());
        out.append(",\"status\":");
        Json.string(out, status().label());
        out.append(",\"message\":");
        Json.string(out, message());
        vmId().ifPresent(id -> out.append(",\"vm_id\":").append(id.value()));
        ip().ifPresent(ip -> {
            out.append(",\"ip\":");
            Json.string(out, ip.toString());
        });
        return out.append('}').toString();
    }
}
