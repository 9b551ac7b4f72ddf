package io.pveq.sim;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a simulated guest looks like from inside: the cloud-init settings it would receive, the
 * scripts run in it and how often it booted. A snapshot; immutable.
 *
 * @param vmId         the VM
 * @param node         where it lives
 * @param running      whether Proxmox reports it running
 * @param address      its static IPv4 address from {@code ipconfig0}, if any
 * @param cloudInit    the cloud-init settings recorded from its config
 * @param scripts      scripts run through the simulator's guest access, oldest first
 * @param boots        boots so far (start, {@code qm reboot} and guest reboots)
 * @param guestReboots reboots requested from inside the guest ({@link io.pveq.core.guest.GuestAccess#reboot})
 */
public record SimGuest(VmId vmId, NodeName node, boolean running, Optional<String> address, CloudInit cloudInit,
                       List<ScriptRun> scripts, int boots, int guestReboots) {

    /** Validates and copies. */
    public SimGuest {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(cloudInit, "cloudInit");
        scripts = List.copyOf(scripts);
    }

    /**
     * Cloud-init settings as the guest would receive them.
     *
     * @param user         {@code ciuser}
     * @param password     the plain {@code cipassword} as given (Proxmox shows only a mask)
     * @param sshKeys      the authorised keys, decoded, one per element
     * @param ipconfig0    the {@code ipconfig0} property string
     * @param nameserver   {@code nameserver}
     * @param searchdomain {@code searchdomain}
     * @param userData     {@code qm cloudinit dump N user}
     * @param networkData  {@code qm cloudinit dump N network}
     */
    public record CloudInit(Optional<String> user, Optional<String> password, List<String> sshKeys,
                            Optional<String> ipconfig0, Optional<String> nameserver, Optional<String> searchdomain,
                            String userData, String networkData) {
        /** Copies. */
        public CloudInit {
            sshKeys = List.copyOf(sshKeys);
        }
    }

    /**
     * One script run inside the guest.
     *
     * @param name          the script's name
     * @param content       its text
     * @param arguments     its arguments
     * @param environment   its extra environment
     * @param secretOnStdin true when secret bytes came on standard input (never recorded themselves)
     * @param user          the login user it came through
     * @param exitCode      the exit code the simulator answered
     */
    public record ScriptRun(String name, String content, List<String> arguments, Map<String, String> environment,
                            boolean secretOnStdin, String user, int exitCode) {
        /** Copies. */
        public ScriptRun {
            arguments = List.copyOf(arguments);
            environment = Map.copyOf(environment);
        }
    }
}
