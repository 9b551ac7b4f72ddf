package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.GuestAddresses;
import io.pveq.api.GuestAgentApi;
import io.pveq.api.GuestCommandTimeoutException;
import io.pveq.api.GuestExecStatus;
import io.pveq.api.GuestFile;
import io.pveq.api.GuestFileSystem;
import io.pveq.api.GuestInterface;
import io.pveq.api.GuestOsInfo;
import io.pveq.api.PermissionDeniedException;
import io.pveq.api.ProxmoxApiException;
import io.pveq.api.VmConfig;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.PveqException;
import io.pveq.core.Secret;
import io.pveq.core.VmId;
import io.pveq.core.VmStateException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** {@link GuestAgentApi} over {@link ApiHttp}. Thread-safe. */
final class AgentCalls implements GuestAgentApi {

    static final int MAX_INPUT = 65536;
    /** {@code agent/file-write}'s {@code content} maxLength in both schemas. */
    static final int MAX_WRITE = 61440;
    private static final Duration FIRST_POLL = Duration.ofMillis(20);
    private static final Duration MAX_POLL = Duration.ofMillis(500);

    private final ApiHttp http;

    AgentCalls(ApiHttp http) {
        this.http = http;
    }

    private static String[] path(NodeName node, VmId vmId, String command) {
        return new String[] {"nodes", node.value(), "qemu", vmId.toString(), "agent", command};
    }

    @Override
    public void ping(NodeName node, VmId vmId) {
        http.call(ApiCall.post(FormParams.empty(), path(node, vmId, "ping")));
    }

    @Override
    public List<GuestInterface> networkInterfaces(NodeName node, VmId vmId) {
        return GuestReaders.interfaces(http.call(ApiCall.get(FormParams.empty(), path(node, vmId, "network-get-interfaces"))));
    }

    @Override
    public int exec(NodeName node, VmId vmId, List<String> command, Optional<Secret> input) {
        if (command.isEmpty() || command.get(0).isEmpty()) {
            throw new InvalidSpecException("command", "must name a program");
        }
        FormParams params = FormParams.empty().putArray("command", command);
        input.ifPresent(i -> {
            if (i.reveal().getBytes(StandardCharsets.UTF_8).length > MAX_INPUT) {
                throw new InvalidSpecException("input", "must be at most 64 KiB (the agent's limit), got "
                        + i.reveal().getBytes(StandardCharsets.UTF_8).length + " bytes");
            }
            params.put("input-data", i.reveal());
        });
        ApiCall call = ApiCall.post(params, path(node, vmId, "exec"));
        JsonNode data = http.call(call);
        long pid = Json.integer(data, "pid", -1);
        if (pid < 0) {
            throw new ProxmoxApiException(call.method(), call.path(), 200, "no pid in the answer: " + data);
        }
        return (int) pid;
    }

    @Override
    public GuestExecStatus execStatus(NodeName node, VmId vmId, int pid) {
        JsonNode d = http.call(ApiCall.get(FormParams.empty().put("pid", pid), path(node, vmId, "exec-status")));
        long exitCode = Json.integer(d, "exitcode", Long.MIN_VALUE);
        long signal = Json.integer(d, "signal", Long.MIN_VALUE);
        return new GuestExecStatus(Json.bool(d, "exited", false),
                exitCode == Long.MIN_VALUE ? OptionalInt.empty() : OptionalInt.of((int) exitCode),
                signal == Long.MIN_VALUE ? OptionalInt.empty() : OptionalInt.of((int) signal),
                Json.text(d, "out-data", ""), Json.text(d, "err-data", ""),
                Json.bool(d, "out-truncated", false) || Json.bool(d, "err-truncated", false));
    }

    @Override
    public GuestOsInfo osInfo(NodeName node, VmId vmId) {
        JsonNode r = http.call(ApiCall.get(FormParams.empty(), path(node, vmId, "get-osinfo"))).path("result");
        return new GuestOsInfo(Json.optionalText(r, "id"), Json.optionalText(r, "name"), Json.optionalText(r, "pretty-name"),
                Json.optionalText(r, "version"), Json.optionalText(r, "version-id"), Json.optionalText(r, "kernel-release"),
                Json.optionalText(r, "kernel-version"), Json.optionalText(r, "machine"));
    }

    @Override
    public List<GuestFileSystem> fileSystems(NodeName node, VmId vmId) {
        JsonNode r = http.call(ApiCall.get(FormParams.empty(), path(node, vmId, "get-fsinfo"))).path("result");
        List<GuestFileSystem> out = new ArrayList<>();
        for (JsonNode fs : r) {
            List<String> devices = new ArrayList<>();
            for (JsonNode disk : fs.path("disk")) {
                Json.optionalText(disk, "dev").ifPresent(devices::add);
            }
            long total = Json.integer(fs, "total-bytes", -1);
            long used = Json.integer(fs, "used-bytes", -1);
            out.add(new GuestFileSystem(Json.text(fs, "name", ""), Json.text(fs, "mountpoint", ""), Json.text(fs, "type", ""),
                    total < 0 ? OptionalLong.empty() : OptionalLong.of(total),
                    used < 0 ? OptionalLong.empty() : OptionalLong.of(used), devices));
        }
        return List.copyOf(out);
    }

    @Override
    public String hostName(NodeName node, VmId vmId) {
        return Json.text(http.call(ApiCall.get(FormParams.empty(), path(node, vmId, "get-host-name"))).path("result"),
                "host-name", "");
    }

    @Override
    public GuestExecStatus run(NodeName node, VmId vmId, List<String> command, Optional<Secret> input, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new InvalidSpecException("timeout", "must not be negative, got " + timeout);
        }
        int pid = exec(node, vmId, command, input);
        Instant deadline = http.clock().instant().plus(timeout);
        Duration pause = FIRST_POLL;
        while (true) {
            GuestExecStatus status = execStatus(node, vmId, pid);
            if (status.exited()) {
                return status;
            }
            if (!http.clock().instant().isBefore(deadline)) {
                throw new GuestCommandTimeoutException(vmId, pid, command, timeout);
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PveqException("interrupted while waiting for guest command pid " + pid + " in VM " + vmId, e);
            }
            pause = pause.multipliedBy(2);
            if (pause.compareTo(MAX_POLL) > 0) {
                pause = MAX_POLL;
            }
        }
    }

    private static void absolute(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new InvalidSpecException("file", "must be an absolute path in the guest, got '" + path + "'");
        }
    }

    @Override
    public GuestFile readFile(NodeName node, VmId vmId, String path) {
        absolute(path);
        JsonNode d = http.call(ApiCall.get(FormParams.empty().put("file", path), path(node, vmId, "file-read")));
        return new GuestFile(path, Json.text(d, "content", ""), Json.bool(d, "truncated", false));
    }

    @Override
    public void writeFile(NodeName node, VmId vmId, String path, String content) {
        absolute(path);
        Objects.requireNonNull(content, "content");
        if (content.length() > MAX_WRITE) {
            throw new InvalidSpecException("content", "must be at most " + MAX_WRITE
                    + " characters (Proxmox's limit for agent/file-write), got " + content.length());
        }
        http.call(ApiCall.post(FormParams.empty().put("file", path).put("content", content), path(node, vmId, "file-write")));
    }

    @Override
    public GuestAddresses addresses(NodeName node, VmId vmId) {
        VmConfig config = Readers.vmConfig(vmId, http.call(ApiCall.get(FormParams.empty(),
                "nodes", node.value(), "qemu", vmId.toString(), "config")));
        Optional<String> net0 = Optional.ofNullable(config.nics().get("net0")).flatMap(n -> n.mac());
        try {
            List<String> online = GuestReaders.reachable(networkInterfaces(node, vmId), net0);
            if (!online.isEmpty()) {
                return new GuestAddresses(online, GuestAddresses.Source.RUNNING);
            }
        } catch (PermissionDeniedException e) {
            throw e;
        } catch (ProxmoxApiException | VmStateException e) {
            // stopped, no agent or not up yet: the config is all there is
        }
        List<String> configured = new ArrayList<>();
        config.ipConfigs().forEach((key, value) -> {
            for (String part : value.split(",")) {
                if (part.startsWith("ip=") && part.contains("/")) {
                    configured.add(part.substring(3, part.indexOf('/')));
                }
            }
        });
        return new GuestAddresses(configured, GuestAddresses.Source.CONFIG);
    }
}
