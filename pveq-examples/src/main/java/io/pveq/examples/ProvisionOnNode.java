package io.pveq.examples;

import io.pveq.core.AddressProbe;
import io.pveq.core.CommandLineCluster;
import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.PveqException;
import io.pveq.core.VmProvisioner;
import io.pveq.images.ImageCache;
import io.pveq.ssh.HostKeyPolicy;
import io.pveq.ssh.SshCommandTransport;
import io.pveq.ssh.SshGuestAccess;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Installs one VM when running directly on a Proxmox VE node (as root): {@code qm} and
 * {@code pvesh} run as local processes through {@link LocalCommandTransport}, no SSH to this node,
 * and cached images are imported from the local file (no upload). This node is the main node.
 * Other nodes of the cluster, when given, are reached over SSH with host keys checked against a
 * {@code known_hosts} file, as in {@link ProvisionOverSsh}. Run without arguments for the usage text.
 *
 * <p>Run on the node (JDK 17 and Maven installed, repository checked out), from the repository root:
 * <pre>
 * pveq-examples/run.sh ProvisionOnNode --local pve1 --storage local-lvm --gateway 192.0.2.1
 * </pre>
 */
public final class ProvisionOnNode {

    static final String USAGE = """
            usage: ProvisionOnNode --local NAME --storage ID --gateway IPV4 [options]   (run as root on a PVE node)
              --local NAME          this node's name in the cluster (hostname); it is the main node
              --storage ID          storage for the VM disks, e.g. local-lvm
              --gateway IPV4        gateway of the VM network; VM addresses follow the VMID in its /24
            options:
              --node NAME=ADDRESS   another node, reached over SSH (repeat for each); needs --key and --known-hosts
              --key FILE            private key that logs in to the other nodes
              --known-hosts FILE    OpenSSH known_hosts listing the other nodes' host keys
              --guest-key FILE      key pveq uses to log in to new VMs; generated when missing
                                    (default ~/.pveq/guest_ed25519)
              --cache DIR           image cache folder (default /var/cache/pveq/images)
              --os OS --version V   the release to install (default debian 12)
              --vm-name NAME        the VM's name (default: derived from the VMID)
              --target NODE         the node to create the VM on (default: this node)
              --destroy             destroy the VM again after the install
            """;

    private ProvisionOnNode() {
    }

    /** Runs the example on {@code System.out} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /**
     * Runs the example.
     *
     * @param out  where everything is printed
     * @param args the options of {@link #USAGE}
     * @return 0 on success, 1 when the install failed, 2 with the usage text when the arguments are incomplete
     */
    public static int run(PrintStream out, String[] args) {
        CommandLine line;
        Map<String, String> others;
        try {
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
                throw new CommandLine.BadUsage("this node's name is missing");
            }
            line = CommandLine.parse(args, Set.of("--local", "--node", "--key", "--known-hosts", "--storage",
                    "--gateway", "--guest-key", "--cache", "--os", "--version", "--vm-name", "--target"),
                    Set.of("--destroy"));
            line.required("--local");
            line.required("--storage");
            line.required("--gateway");
            others = line.pairs("--node");
            if (!others.isEmpty()) {
                line.existingFile("--key", line.required("--key"));
                line.existingFile("--known-hosts", line.required("--known-hosts"));
            }
        } catch (CommandLine.BadUsage e) {
            out.println("error: " + e.getMessage());
            out.print(USAGE);
            return 2;
        }
        try {
            NodeName local = NodeName.of(line.required("--local"));
            // This machine: commands run as local processes, images are used where they are cached.
            CommandLineCluster.Builder nodes = CommandLineCluster.builder().local(local);
            if (!others.isEmpty()) {
                HostKeyPolicy hostKeys = HostKeyPolicy.knownHosts(Path.of(line.required("--known-hosts")));
                for (Map.Entry<String, String> node : others.entrySet()) {
                    nodes.node(NodeName.of(node.getKey()), SshCommandTransport.builder(node.getValue())
                            .privateKey(Path.of(line.required("--key"))).hostKeyPolicy(hostKeys).build());
                }
            }
            VmProvisioner.Builder setup = VmProvisioner.builder()
                    .connect(nodes.build())
                    .storage(line.required("--storage"))
                    .gateway(Ipv4Address.parse("--gateway", line.required("--gateway")))
                    .images(ImageCache.builder(Path.of(line.value("--cache").orElse("/var/cache/pveq/images"))).build())
                    .guests(SshGuestAccess.builder(Path.of(line.value("--guest-key")
                            .orElse(System.getProperty("user.home") + "/.pveq/guest_ed25519"))).build())
                    .addressProbe(AddressProbe.network());
            try (VmProvisioner provisioner = setup.build()) {
                return CommandLine.installAndReport(provisioner, line.spec(), line.has("--destroy"), out);
            }
        } catch (CommandLine.BadUsage e) {
            out.println("error: " + e.getMessage());
            out.print(USAGE);
            return 2;
        } catch (PveqException | IllegalArgumentException e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
    }
}
