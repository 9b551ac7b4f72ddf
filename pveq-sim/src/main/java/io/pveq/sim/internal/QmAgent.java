package io.pveq.sim.internal;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.sim.internal.qemu.QemuGuests;
import io.pveq.sim.internal.state.VmState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code qm guest cmd VMID COMMAND}: the QEMU guest agent of a real guest, over its virtio-serial
 * socket. Simulated guests have no agent ({@code QEMU guest agent is not running}).
 */
final class QmAgent {

    /** The commands {@code qm guest cmd} accepts (PVE 8 and 9). */
    static final List<String> COMMANDS = List.of("fsfreeze-freeze", "fsfreeze-status", "fsfreeze-thaw", "fstrim",
            "get-fsinfo", "get-host-name", "get-memory-block-info", "get-memory-blocks", "get-osinfo", "get-time",
            "get-timezone", "get-users", "get-vcpus", "info", "network-get-interfaces", "ping", "shutdown",
            "suspend-disk", "suspend-hybrid", "suspend-ram");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Engine engine;

    QmAgent(Engine engine) {
        this.engine = engine;
    }

    void command(Exec exec, Map<String, String> params) {
        int vmid = Integer.parseInt(params.get("vmid"));
        String command = params.get("command");
        VmState vm = engine.store().read(state -> Engine.localVm(state, exec.node(), vmid));
        if (!io.pveq.sim.internal.qemu.QemuCommandLine.agentEnabled(vm.config)) {
            throw new Failure("No QEMU guest agent configured");
        }
        if (!vm.running()) {
            throw new Failure("VM " + vmid + " is not running");
        }
        Optional<QemuGuests> qemu = engine.qemu();
        if (vm.qemu == null || qemu.isEmpty()) {
            throw new Failure("QEMU guest agent is not running");
        }
        try {
            // qemu-server checks with a ping first and names a silent agent so
            qemu.get().agent(vm.qemu, "guest-ping", Duration.ofSeconds(3));
        } catch (IOException e) {
            throw new Failure("QEMU guest agent is not running");
        }
        JsonNode result;
        try {
            result = qemu.get().agent(vm.qemu, "guest-" + command, TIMEOUT);
        } catch (IOException e) {
            throw new Failure("VM " + vmid + " qmp command 'guest-" + command + "' failed - " + e.getMessage());
        }
        if (result.isObject() && result.isEmpty()) {
            return;
        }
        try {
            DefaultPrettyPrinter pretty = new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("   ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("   ", "\n"));
            exec.out(JSON.writer(pretty).writeValueAsString(result));
        } catch (IOException e) {
            throw new Failure("cannot print the agent's answer: " + e.getMessage());
        }
    }
}
