package io.pveq.api;

import io.pveq.core.NodeName;
import io.pveq.core.Secret;
import io.pveq.core.VmId;
import java.util.List;
import java.util.Optional;

/**
 * The QEMU guest agent inside a VM (config {@code agent: 1} and {@code qemu-guest-agent} running in the
 * guest): readiness, addresses, running commands as root inside the guest. Until the agent answers,
 * every call fails with {@link GuestAgentUnavailableException}; poll {@link #ping} for readiness.
 * Privileges: PVE 9 wants VM.GuestAgent.Audit (ping, interfaces) and VM.GuestAgent.Unrestricted
 * (exec); PVE 8 wants VM.Monitor. Thread-safe; every method blocks on the network.
 */
public interface GuestAgentApi {

    /**
     * @param node the VM's node
     * @param vmId the VM
     * @throws GuestAgentUnavailableException when the agent does not answer (yet)
     */
    void ping(NodeName node, VmId vmId);

    /**
     * @param node the VM's node
     * @param vmId the VM
     * @return the guest's network interfaces with their addresses, as the agent reports them
     */
    List<GuestInterface> networkInterfaces(NodeName node, VmId vmId);

    /**
     * Starts a command in the guest ({@code POST .../agent/exec}); it runs as the agent's user (root).
     * The program and its arguments are passed as a list, never through a shell; secrets belong in
     * {@code input}, which reaches the command's standard input and never a command line.
     *
     * @param node    the VM's node
     * @param vmId    the VM
     * @param command the program and its arguments
     * @param input   data for its standard input (at most 64 KiB)
     * @return the guest process id, for {@link #execStatus}
     */
    int exec(NodeName node, VmId vmId, List<String> command, Optional<Secret> input);

    /**
     * @param node the VM's node
     * @param vmId the VM
     * @param pid  a process id from {@link #exec}
     * @return whether it exited, its exit code and output so far
     */
    GuestExecStatus execStatus(NodeName node, VmId vmId, int pid);
}
