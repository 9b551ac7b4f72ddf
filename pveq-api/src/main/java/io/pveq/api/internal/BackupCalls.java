package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.Backup;
import io.pveq.api.BackupApi;
import io.pveq.api.BackupSpec;
import io.pveq.api.ProxmoxApiException;
import io.pveq.api.RestoreSpec;
import io.pveq.api.TaskApi;
import io.pveq.api.TaskEvent;
import io.pveq.api.TaskListener;
import io.pveq.api.TaskResult;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link BackupApi} over {@link ApiHttp}, awaiting each task with {@link TaskApi}. Thread-safe. */
final class BackupCalls implements BackupApi {

    private static final Pattern ARCHIVE = Pattern.compile("creating (?:vzdump )?archive '(?:.*/)?([^'/]+)'");

    private final ApiHttp http;
    private final TaskApi tasks;

    BackupCalls(ApiHttp http, TaskApi tasks) {
        this.http = http;
        this.tasks = tasks;
    }

    @Override
    public Backup create(NodeName node, BackupSpec spec, Duration timeout, TaskListener listener) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(listener, "listener");
        FormParams params = FormParams.empty().put("vmid", spec.vmId().toString()).put("storage", spec.storage())
                .put("mode", spec.mode().name().toLowerCase(Locale.ROOT)).put("compress", spec.compression().wire());
        spec.notes().ifPresent(n -> params.put("notes-template", n));
        ApiCall call = ApiCall.post(params, "nodes", node.value(), "vzdump");
        AtomicReference<String> file = new AtomicReference<>();
        TaskResult result = tasks.await(Upids.of(call, http.call(call)), timeout, event -> {
            if (event instanceof TaskEvent.LogLine line) {
                Matcher m = ARCHIVE.matcher(line.text());
                if (m.find()) {
                    file.set(m.group(1));
                }
            }
            listener.onEvent(event);
        });
        if (file.get() == null) {
            throw new ProxmoxApiException(call.method(), call.path(), 200,
                    "vzdump ended without naming its archive: " + result.logTail());
        }
        String volid = spec.storage() + ":backup/" + file.get();
        return list(node, spec.storage(), Optional.of(spec.vmId())).stream().filter(b -> b.volid().equals(volid))
                .findFirst().orElseThrow(() -> new ProxmoxApiException(call.method(), call.path(), 200,
                        "vzdump wrote " + volid + " but the storage does not list it"));
    }

    @Override
    public List<Backup> list(NodeName node, String storage, Optional<VmId> vmId) {
        FormParams params = FormParams.empty().put("content", "backup");
        vmId.ifPresent(id -> params.put("vmid", id.value()));
        JsonNode data = http.call(ApiCall.get(params, "nodes", node.value(), "storage", storage, "content"));
        List<Backup> out = new ArrayList<>();
        for (JsonNode e : data) {
            long id = Json.integer(e, "vmid", -1);
            if (!"backup".equals(Json.text(e, "content", "")) || id < VmId.MIN || id > VmId.MAX) {
                continue;
            }
            out.add(new Backup(Json.text(e, "volid", ""), VmId.of((int) id), Instant.ofEpochSecond(Json.integer(e, "ctime", 0)),
                    Json.integer(e, "size", 0), Json.text(e, "format", ""), Json.optionalText(e, "notes")));
        }
        out.sort(Comparator.comparing(Backup::created).thenComparing(Backup::volid));
        return List.copyOf(out);
    }

    @Override
    public TaskResult restore(NodeName node, RestoreSpec spec, Duration timeout, TaskListener listener) {
        Objects.requireNonNull(spec, "spec");
        FormParams params = FormParams.empty().put("vmid", spec.target().value()).put("archive", spec.archive());
        spec.storage().ifPresent(s -> params.put("storage", s));
        if (spec.force()) {
            params.put("force", true);
        }
        if (spec.unique()) {
            params.put("unique", true);
        }
        if (spec.start()) {
            params.put("start", true);
        }
        ApiCall call = ApiCall.post(params, "nodes", node.value(), "qemu");
        return tasks.await(Upids.of(call, http.call(call)), timeout, listener);
    }

    @Override
    public TaskResult delete(NodeName node, String volid, Duration timeout, TaskListener listener) {
        if (volid == null || !volid.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]:backup/[^/\\s]+")) {
            throw new InvalidSpecException("volid", "must be a backup's volume id (storage:backup/...), got '"
                    + InvalidSpecException.shorten(volid) + "'");
        }
        ApiCall call = ApiCall.delete(FormParams.empty(), "nodes", node.value(), "storage",
                volid.substring(0, volid.indexOf(':')), "content", volid);
        return tasks.await(Upids.of(call, http.call(call)), timeout, listener);
    }
}
