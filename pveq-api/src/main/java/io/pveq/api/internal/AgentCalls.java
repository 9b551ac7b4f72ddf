package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.GuestAgentApi;
import io.pveq.api.GuestExecStatus;
import io.pveq.api.GuestInterface;
import io.pveq.api.ProxmoxApiException;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.Secret;
import io.pveq.core.VmId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** {@link GuestAgentApi} over {@link ApiHttp}. Thread-safe. */
final class AgentCalls implements GuestAgentApi {

    static final int MAX_INPUT = 65536;

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
        JsonNode data = http.call(ApiCall.get(FormParams.empty(), path(node, vmId, "network-get-interfaces")));
        List<GuestInterface> out = new ArrayList<>();
        for (JsonNode nic : data.path("result")) {
            List<GuestInterface.Address> addresses = new ArrayList<>();
            for (JsonNode a : nic.path("ip-addresses")) {
                String address = Json.text(a, "ip-address", "");
                if (!address.isEmpty()) {
                    addresses.add(new GuestInterface.Address(address, (int) Json.integer(a, "prefix", 0),
                            Json.text(a, "ip-address-type", "").equals("ipv6")));
                }
            }
            out.add(new GuestInterface(Json.text(nic, "name", ""), Json.optionalText(nic, "hardware-address")
                    .map(m -> m.toLowerCase(Locale.ROOT)), addresses));
        }
        return List.copyOf(out);
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
}
