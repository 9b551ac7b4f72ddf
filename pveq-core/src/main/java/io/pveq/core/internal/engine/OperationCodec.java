package io.pveq.core.internal.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pveq.core.CpuLevel;
import io.pveq.core.InstallResult;
import io.pveq.core.InstallSpec;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NodeName;
import io.pveq.core.OsRelease;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.VmOutcome;
import io.pveq.core.VmStatus;
import io.pveq.core.event.EventContext;
import io.pveq.core.event.EventStatus;
import io.pveq.core.event.OperationFailed;
import io.pveq.core.event.OperationSucceeded;
import io.pveq.core.event.ProgressEvent;
import io.pveq.core.event.ReadinessAttempt;
import io.pveq.core.event.Stage;
import io.pveq.core.event.StageDetail;
import io.pveq.core.event.StageFailed;
import io.pveq.core.event.StageStarted;
import io.pveq.core.event.StageSucceeded;
import io.pveq.core.event.TransferProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON documents pveq-core hands an {@link io.pveq.core.store.OperationStore}: events (every
 * field, so a replay elsewhere is the same event), results, the request spec without its password, and
 * journal steps. Stateless and thread-safe.
 */
final class OperationCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OperationCodec() {
    }

    // ---- events ----------------------------------------------------------------------------------

    static String event(ProgressEvent event) {
        ObjectNode n = JSON.createObjectNode();
        n.put("stage", event.stage().name());
        n.put("elapsed_ns", event.elapsed().toNanos());
        event.vmId().ifPresent(id -> n.put("vm_id", id.value()));
        event.ip().ifPresent(ip -> n.put("ip", ip.toString()));
        if (event instanceof StageStarted s) {
            n.put("type", "started").put("summary", s.summary());
        } else if (event instanceof StageDetail d) {
            n.put("type", "detail").put("text", d.text()).put("status", d.status().name());
        } else if (event instanceof TransferProgress t) {
            n.put("type", "transfer").put("bytes", t.bytes()).put("total", t.totalBytes()).put("rate", t.bytesPerSecond());
        } else if (event instanceof ReadinessAttempt r) {
            n.put("type", "readiness").put("attempt", r.attempt()).put("outcome", r.outcome());
        } else if (event instanceof StageSucceeded s) {
            n.put("type", "succeeded").put("summary", s.summary()).put("took_ns", s.took().toNanos());
        } else if (event instanceof StageFailed f) {
            n.put("type", "stage_failed").put("reason", f.reason()).put("took_ns", f.took().toNanos());
        } else if (event instanceof OperationSucceeded s) {
            n.put("type", "done").put("summary", s.summary());
        } else if (event instanceof OperationFailed f) {
            n.put("type", "failed").put("reason", f.reason()).put("cancelled", f.cancelled())
                    .put("complete", f.rollbackComplete());
            f.rolledBack().forEach(n.putArray("rolled_back")::add);
        }
        return n.toString();
    }

    static ProgressEvent event(String json) {
        JsonNode n = tree(json);
        Stage stage = Stage.valueOf(n.path("stage").asText());
        EventContext ctx = new EventContext(Duration.ofNanos(n.path("elapsed_ns").asLong()),
                n.has("vm_id") ? Optional.of(VmId.of(n.get("vm_id").asInt())) : Optional.empty(),
                n.has("ip") ? Optional.of(Ipv4Address.parse("ip", n.get("ip").asText())) : Optional.empty());
        return switch (n.path("type").asText()) {
            case "started" -> new StageStarted(stage, n.path("summary").asText(), ctx);
            case "detail" -> new StageDetail(stage, EventStatus.valueOf(n.path("status").asText()), n.path("text").asText(), ctx);
            case "transfer" -> new TransferProgress(stage, n.path("bytes").asLong(), n.path("total").asLong(),
                    n.path("rate").asDouble(), ctx);
            case "readiness" -> new ReadinessAttempt(stage, n.path("attempt").asInt(), n.path("outcome").asText(), ctx);
            case "succeeded" -> new StageSucceeded(stage, n.path("summary").asText(),
                    Duration.ofNanos(n.path("took_ns").asLong()), ctx);
            case "stage_failed" -> new StageFailed(stage, n.path("reason").asText(),
                    Duration.ofNanos(n.path("took_ns").asLong()), ctx);
            case "done" -> new OperationSucceeded(stage, n.path("summary").asText(), ctx);
            case "failed" -> {
                List<String> rolledBack = new ArrayList<>();
                n.path("rolled_back").forEach(v -> rolledBack.add(v.asText()));
                yield new OperationFailed(stage, n.path("reason").asText(), n.path("cancelled").asBoolean(), rolledBack,
                        n.path("complete").asBoolean(true), ctx);
            }
            default -> throw new PveqException("unknown stored event type in " + json);
        };
    }

    // ---- results -----------------------------------------------------------------------------------

    static String result(Object value) {
        ObjectNode n = JSON.createObjectNode();
        if (value instanceof InstallResult r) {
            n.put("type", "install").put("vm_id", r.vmId().value()).put("name", r.name()).put("node", r.node().value())
                    .put("ip", r.ip().toString()).put("user", r.user()).put("os", r.release().os())
                    .put("version", r.release().version()).put("cpu", r.cpuLevel().model())
                    .put("duration_ns", r.duration().toNanos());
            r.hostKeyFingerprint().ifPresent(f -> n.put("host_key", f));
        } else if (value instanceof VmOutcome o) {
            n.put("type", "outcome").put("vm_id", o.vmId().value()).put("node", o.node().value())
                    .put("status", o.status().label()).put("duration_ns", o.duration().toNanos());
            o.ip().ifPresent(ip -> n.put("ip", ip.toString()));
        } else {
            n.put("type", "none");
        }
        return n.toString();
    }

    static Object result(String json) {
        JsonNode n = tree(json);
        return switch (n.path("type").asText()) {
            case "install" -> new InstallResult(VmId.of(n.get("vm_id").asInt()), n.get("name").asText(),
                    NodeName.of(n.get("node").asText()), Ipv4Cidr.parse("ip", n.get("ip").asText()), n.get("user").asText(),
                    OsRelease.of(n.get("os").asText(), n.get("version").asText()),
                    CpuLevel.fromModel("cpu", n.get("cpu").asText()),
                    n.has("host_key") ? Optional.of(n.get("host_key").asText()) : Optional.empty(),
                    Duration.ofNanos(n.path("duration_ns").asLong()));
            case "outcome" -> new VmOutcome(VmId.of(n.get("vm_id").asInt()), NodeName.of(n.get("node").asText()),
                    VmStatus.fromProxmox(n.get("status").asText()),
                    n.has("ip") ? Optional.of(Ipv4Address.parse("ip", n.get("ip").asText())) : Optional.empty(),
                    Duration.ofNanos(n.path("duration_ns").asLong()));
            default -> null;
        };
    }

    // ---- specs -------------------------------------------------------------------------------------

    /** The install request without its password (only whether one was given) and everything else as given. */
    static String spec(InstallSpec spec) {
        ObjectNode n = JSON.createObjectNode();
        n.put("os", spec.release().os()).put("version", spec.release().version());
        spec.name().ifPresent(v -> n.put("name", v));
        spec.id().ifPresent(v -> n.put("id", v.value()));
        spec.node().ifPresent(v -> n.put("node", v.value()));
        n.put("cpu", spec.cpu()).put("ram", spec.ramMb()).put("disk", spec.disk().toProxmox()).put("user", spec.user());
        n.put("password", spec.password().isPresent());
        spec.publicKey().ifPresent(k -> n.put("pubkey", k.line()));
        return n.toString();
    }

    /** A small spec of named values (VM, target node, timeout). */
    static String spec(Map<String, Object> values) {
        return JSON.valueToTree(values).toString();
    }

    // ---- journal steps -----------------------------------------------------------------------------

    static String step(JournalStep step) {
        try {
            return JSON.writeValueAsString(step);
        } catch (JsonProcessingException e) {
            throw new PveqException("cannot encode a journal step: " + e.getMessage(), e);
        }
    }

    static JournalStep step(String json) {
        try {
            return JSON.readValue(json, JournalStep.class);
        } catch (JsonProcessingException e) {
            throw new PveqException("unreadable stored journal step " + json + ": " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PveqException("unreadable stored document " + json + ": " + e.getOriginalMessage(), e);
        }
    }
}
