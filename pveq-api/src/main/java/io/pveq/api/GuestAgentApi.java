package io.pveq.api;

import io.pveq.core.NodeName;
import io.pveq.core.Secret;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The QEMU guest agent inside a VM (config {@code agent: 1} and {@code qemu-guest-agent} running in the
 * guest): readiness, addresses, running commands as root inside the guest. Until the agent answers,
 * every call fails with {@link GuestAgentUnavailableException}; poll {@link #ping} for readiness.
 * Privileges: PVE 9 wants VM.GuestAgent.Audit (ping, interfaces, OS, file systems),
 * VM.GuestAgent.FileRead/FileWrite (files) and VM.GuestAgent.Unrestricted (exec); PVE 8 wants VM.Monitor
 * for all of them. A refusal is a {@link GuestAgentPermissionException} that says which, for the release
 * that refused. Thread-safe; every method blocks on the network.
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

    /**
     * @param node the VM's node
     * @param vmId the VM
     * @return the guest's operating system ({@code agent/get-osinfo})
     * @throws GuestAgentUnavailableException when the agent does not answer (yet)
     */
    GuestOsInfo osInfo(NodeName node, VmId vmId);

    /**
     * @param node the VM's node
     * @param vmId the VM
     * @return the guest's mounted file systems ({@code agent/get-fsinfo})
     * @throws GuestAgentUnavailableException when the agent does not answer (yet)
     */
    List<GuestFileSystem> fileSystems(NodeName node, VmId vmId);

    /**
     * @param node the VM's node
     * @param vmId the VM
     * @return the guest's host name ({@code agent/get-host-name})
     */
    String hostName(NodeName node, VmId vmId);

    /**
     * Runs a command in the guest and waits for it ({@link #exec}, then {@link #execStatus} polled until it
     * exits), as seed 003's {@code ExecuteGuestAgentCommand} does. A non-zero exit is no exception: the
     * result carries the exit code, standard output and standard error.
     *
     * @param node    the VM's node
     * @param vmId    the VM
     * @param command the program and its arguments (never through a shell)
     * @param input   data for its standard input (at most 64 KiB)
     * @param timeout how long to wait for it to exit (measured on the client's clock)
     * @return its final status: {@code exited}, the exit code or signal, its output
     * @throws GuestCommandTimeoutException when it is still running after {@code timeout}
     */
    GuestExecStatus run(NodeName node, VmId vmId, List<String> command, Optional<Secret> input, Duration timeout);

    /**
     * Reads a file inside the guest ({@code agent/file-read}; Proxmox reads at most 16 MiB).
     *
     * @param node the VM's node
     * @param vmId the VM
     * @param path an absolute path in the guest
     * @return its content as text
     * @throws io.pveq.core.InvalidSpecException when {@code path} is not absolute (field {@code file})
     */
    GuestFile readFile(NodeName node, VmId vmId, String path);

    /**
     * Writes (creates or replaces) a file inside the guest ({@code agent/file-write}, encoded by Proxmox).
     *
     * @param node    the VM's node
     * @param vmId    the VM
     * @param path    an absolute path in the guest
     * @param content the text to write, at most 61440 characters (Proxmox's limit)
     * @throws io.pveq.core.InvalidSpecException when {@code path} is not absolute or {@code content} too long
     */
    void writeFile(NodeName node, VmId vmId, String path, String content);

    /**
     * The VM's IP addresses: from its agent when it answers (the interface on net0's MAC first, loopback and
     * link-local skipped), else from its cloud-init {@code ipconfigN} static addresses.
     *
     * @param node the VM's node
     * @param vmId the VM
     * @return the addresses and where they were learnt
     * @throws PermissionDeniedException when the agent may not be asked (this is not a fallback case)
     */
    GuestAddresses addresses(NodeName node, VmId vmId);
}
