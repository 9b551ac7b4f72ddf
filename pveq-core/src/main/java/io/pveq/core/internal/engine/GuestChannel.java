package io.pveq.core.internal.engine;

import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.internal.pve.VmConfig;
import io.pveq.core.transport.OutputListener;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the engine drives a guest: over SSH ({@link SshChannel}, through the {@link GuestAccess} SPI) or
 * through the QEMU guest agent over the REST API ({@link AgentChannel}: no network path from pveq to the
 * guest). Thread-safe; every method blocks.
 */
interface GuestChannel extends AutoCloseable {

    /**
     * A guest as the engine knows it.
     *
     * @param vmId    the VM
     * @param node    the node it runs on
     * @param address its static address, when configured
     * @param user    its cloud-init login user, when configured
     * @param agent   whether its config enables the guest agent
     */
    record Target(VmId vmId, NodeName node, Optional<Ipv4Address> address, Optional<String> user, boolean agent) {

        public Target {
            Objects.requireNonNull(vmId, "vmId");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(user, "user");
        }

        /** @return the target as its config describes it ({@code ipconfig0}, {@code ciuser}, {@code agent}) */
        static Target of(VmId vmId, NodeName node, VmConfig config) {
            Optional<Ipv4Address> ip = config.get("ipconfig0").flatMap(v -> ConfiguredAddresses.addressesOf(
                    new VmConfig(java.util.Map.of("ipconfig0", v))).stream().findFirst());
            boolean agent = config.get("agent").map(a -> a.equals("1") || a.contains("enabled=1")).orElse(false);
            return new Target(vmId, node, ip, config.get("ciuser"), agent);
        }

        /** @return this guest on another node (after a migration) */
        Target on(NodeName other) {
            return new Target(vmId, other, address, user, agent);
        }
    }

    /** @return {@code ssh} or {@code agent}, for messages */
    String mechanism();

    /** @return the public key cloud-init must authorise so this channel can log in, when it needs one */
    Optional<String> authorizedKey();

    /** @return true when this channel can reach {@code target} (SSH: an address and a user; agent: enabled) */
    boolean canReach(Target target);

    /** @return what {@link #canReach} misses, for the event that says why nothing is awaited */
    String unreachableBecause(Target target);

    /**
     * Waits until the guest can be driven: SSH accepts a login, or the agent answers its ping.
     *
     * @return the SSH host key fingerprint seen, when SSH reported one
     * @throws io.pveq.core.GuestAccessException when the deadline passes
     */
    Optional<String> awaitReady(Target target, Duration deadline, GuestAccess.ReadinessListener listener);

    /**
     * Waits until the guest accepts SSH: over SSH that is {@link #awaitReady}; through the agent, the agent
     * answers and then a check inside the guest sees sshd listening.
     */
    Optional<String> awaitSsh(Target target, Duration deadline, GuestAccess.ReadinessListener listener);

    /** Runs a script as root; returns its exit code. */
    int runScript(Target target, GuestScript script, Duration timeout, OutputListener output);

    /** Reboots the guest and returns once it is going down (SSH: the guest's own reboot; agent: Proxmox's). */
    void reboot(Target target);

    /** Forgets what is remembered about the guest (SSH host key, connections); never throws. */
    void forget(Target target);

    @Override
    void close();
}
