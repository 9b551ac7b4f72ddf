package io.pveq.sim.internal;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pveq.sim.internal.qemu.QemuGuests;
import io.pveq.sim.internal.state.VmState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The QEMU guest agent of a real guest, over its virtio-serial socket: {@code qm guest cmd VMID COMMAND}
 * here, and the API face's {@code agent/*} paths through {@link #ask}. Simulated guests have no agent
 * socket: {@code qm guest cmd} answers {@code QEMU guest agent is not running} for them, and the API face
 * keeps its simulated answers.
 */
public final class QmAgent {

    /** The commands {@code qm guest cmd} accepts (PVE 8 and 9). */
    static final List<String> COMMANDS = List.of("fsfreeze-freeze", "fsfreeze-status", "fsfreeze-thaw", "fstrim",
            "get-fsinfo", "get-host-name", "get-memory-block-info", "get-memory-blocks", "get-osinfo", "get-time",
            "get-timezone", "get-users", "get-vcpus", "info", "network-get-interfaces", "ping", "shutdown",
            "suspend-disk", "suspend-hybrid", "suspend-ram");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PING = Duration.ofSeconds(3);
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
        JsonNode result = ask(engine, vm, "guest-" + command, null)
                .orElseThrow(() -> new Failure("QEMU guest agent is not running"));
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

    /**
     * Runs one agent command in a running real guest, as qemu-server does: a ping first, so that a
     * silent agent is named as such, then the command.
     *
     * @param engine    the cluster
     * @param vm        the VM, running and with the agent configured (the caller checked)
     * @param command   the agent's command, e.g. {@code guest-network-get-interfaces}
     * @param arguments its arguments, or null
     * @return the agent's answer; empty when the VM is not a real guest (its answers are simulated)
     * @throws Failure {@code QEMU guest agent is not running} when the ping gets no answer, else
     *                 {@code VM N qmp command 'guest-x' failed - ...}
     */
    public static Optional<JsonNode> ask(Engine engine, VmState vm, String command, ObjectNode arguments) {
        Optional<QemuGuests> qemu = engine.qemu();
        if (vm.qemu == null || qemu.isEmpty()) {
            return Optional.empty();
        }
        try {
            qemu.get().agent(vm.qemu, "guest-ping", null, PING);
        } catch (IOException e) {
            throw new Failure("QEMU guest agent is not running");
        }
        try {
            return Optional.of(qemu.get().agent(vm.qemu, command, arguments, TIMEOUT));
        } catch (IOException e) {
            throw new Failure("VM " + vm.vmid + " qmp command '" + command + "' failed - " + e.getMessage());
        }
    }

    /** @return a new, empty argument object for {@link #ask} */
    public static ObjectNode arguments() {
        return JSON.createObjectNode();
    }
}
