package io.pveq.server.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pveq.core.InstallResult;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Operation;
import io.pveq.core.VmId;
import io.pveq.core.VmOutcome;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.Stage;
import io.pveq.core.event.StageFailed;
import io.pveq.core.event.StageStarted;
import io.pveq.core.event.StageSucceeded;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The JSON shapes of {@code GET /api/jobs} and {@code GET /api/jobs/{id}}. */
public final class JobViews {

    private JobViews() {
    }

    /** One job in a list. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Summary(String id, String kind, @JsonProperty("vm_id") Integer vmId, String state,
                          @JsonProperty("started_at") String startedAt, @JsonProperty("finished_at") String finishedAt,
                          @JsonProperty("duration_s") Double durationS, int events, String message) {
    }

    /** One stage of a job. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StageView(String step, String status, @JsonProperty("started_s") Double startedS,
                            @JsonProperty("took_s") Double tookS) {
    }

    /** One job in full. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(boolean success, Summary job, List<StageView> stages, Object result,
                         @JsonProperty("events_url") String eventsUrl) {
    }

    /** What a finished install yields. */
    public record InstallView(@JsonProperty("vm_id") int vmId, String name, String node, String ip, String user,
                              String os, String version, @JsonProperty("cpu_type") String cpuType,
                              @JsonProperty("host_key") String hostKey) {
    }

    /** What a finished start, reboot, shutdown or migration yields. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OutcomeView(@JsonProperty("vm_id") int vmId, String node, String status, String ip) {
    }

    /** @return the list entry of {@code op} */
    public static Summary summary(Operation<?> op) {
        // no event log read: a list of stored jobs must not load every log
        java.util.Optional<ProgressEvent> last = op.terminalEvent();
        boolean finished = last.isPresent();
        Duration elapsed = last.map(ProgressEvent::elapsed).orElse(Duration.ZERO);
        return new Summary(op.id().value(), op.kind().label(), op.vmId().map(VmId::value).orElse(null),
                op.state().name().toLowerCase(Locale.ROOT), op.startedAt().toString(),
                finished ? op.startedAt().plus(elapsed).toString() : null,
                finished ? seconds(elapsed) : null, op.eventCount(), last.map(ProgressEvent::message).orElse(null));
    }

    /** @return the full view of {@code op} */
    public static Detail detail(Operation<?> op) {
        Map<Stage, StageView> stages = new LinkedHashMap<>();
        for (ProgressEvent e : op.events()) {
            if (e instanceof StageStarted s) {
                stages.put(s.stage(), new StageView(s.stage().label(), "processing", seconds(s.elapsed()), null));
            } else if (e instanceof StageSucceeded s) {
                stages.put(s.stage(), new StageView(s.stage().label(), "success",
                        seconds(s.elapsed().minus(s.took())), seconds(s.took())));
            } else if (e instanceof StageFailed f) {
                stages.put(f.stage(), new StageView(f.stage().label(), "error",
                        seconds(f.elapsed().minus(f.took())), seconds(f.took())));
            }
        }
        return new Detail(true, summary(op), List.copyOf(stages.values()), result(op),
                "/api/jobs/" + op.id().value() + "/events");
    }

    private static Object result(Operation<?> op) {
        if (op.state() != io.pveq.core.OperationState.SUCCEEDED) {
            return null;
        }
        CompletableFuture<?> f = op.result();
        if (!f.isDone() || f.isCompletedExceptionally()) {
            return null;
        }
        Object r = f.join();
        if (r instanceof InstallResult i) {
            return new InstallView(i.vmId().value(), i.name(), i.node().value(), i.ip().toString(), i.user(),
                    i.release().os(), i.release().version(), i.cpuLevel().model(), i.hostKeyFingerprint().orElse(null));
        }
        if (r instanceof VmOutcome o) {
            return new OutcomeView(o.vmId().value(), o.node().value(), o.status().label(),
                    o.ip().map(Ipv4Address::toString).orElse(null));
        }
        return null;
    }

    private static Double seconds(Duration d) {
        return Math.round(Math.max(0, d.toNanos()) / 1e7) / 100.0;
    }
}
