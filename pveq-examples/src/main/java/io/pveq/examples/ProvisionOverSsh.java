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
 * Installs one VM on a real Proxmox VE cluster, reaching every node over SSH.
 *
 * <p>Shows the production wiring: one {@link SshCommandTransport} per node (pooled connections,
 * key login, host keys checked against an OpenSSH {@code known_hosts} file; nothing is trusted
 * blindly), an {@link SshGuestAccess} with its own key pair for the new VMs, the real
 * {@link ImageCache} downloading from the official mirrors, and the network address probe. The
 * first {@code --node} is the main node, where cluster state is read. Everything comes from the
 * command line; run without arguments for the usage text.
 *
 * <p>Run from the repository root, e.g.:
 * <pre>
 * pveq-examples/run.sh ProvisionOverSsh --node pve1=192.0.2.11 --node pve2=192.0.2.12 \
 *     --key ~/.ssh/id_ed25519 --known-hosts ~/.ssh/known_hosts --storage local-lvm --gateway 192.0.2.1
 * </pre>
 */
public final class ProvisionOverSsh {

    static final String USAGE = """
            usage: ProvisionOverSsh --node NAME=ADDRESS [--node NAME=ADDRESS ...] --key FILE --known-hosts FILE
                                    --storage ID --gateway IPV4 [options]
              --node NAME=ADDRESS   a cluster node and its SSH address; the first one is the main node
              --key FILE            private key that logs in to the nodes (OpenSSH format, unencrypted)
              --known-hosts FILE    OpenSSH known_hosts listing every node's host key (ssh-keyscan, then check it)
              --storage ID          storage for the VM disks, e.g. local-lvm
              --gateway IPV4        gateway of the VM network; VM addresses follow the VMID in its /24
            options:
              --ssh-user USER       login user on the nodes (default root)
              --ssh-port PORT       SSH port of the nodes (default 22)
              --guest-key FILE      key pveq uses to log in to new VMs; generated when missing
                                    (default ~/.pveq/guest_ed25519)
              --cache DIR           image cache folder (default ~/.cache/pveq/images)
              --os OS --version V   the release to install (default debian 12)
              --vm-name NAME        the VM's name (default: derived from the VMID)
              --target NODE         the node to create the VM on (default: the main node)
              --destroy             destroy the VM again after the install
            """;

    private ProvisionOverSsh() {
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
        Map<String, String> nodes;
        Path key;
        Path knownHosts;
        try {
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
                throw new CommandLine.BadUsage("the cluster to use is missing");
            }
            line = CommandLine.parse(args, Set.of("--node", "--key", "--known-hosts", "--storage", "--gateway",
                    "--ssh-user", "--ssh-port", "--guest-key", "--cache", "--os", "--version", "--vm-name", "--target"),
                    Set.of("--destroy"));
            nodes = line.pairs("--node");
            if (nodes.isEmpty()) {
                throw new CommandLine.BadUsage("--node is required");
            }
            key = line.existingFile("--key", line.required("--key"));
            knownHosts = line.existingFile("--known-hosts", line.required("--known-hosts"));
            line.required("--storage");
            line.required("--gateway");
        } catch (CommandLine.BadUsage e) {
            out.println("error: " + e.getMessage());
            out.print(USAGE);
            return 2;
        }
        String home = System.getProperty("user.home");
        try {
            // Every node over SSH; the first one named reads the cluster's state.
            CommandLineCluster.Builder cluster = CommandLineCluster.builder();
            HostKeyPolicy hostKeys = HostKeyPolicy.knownHosts(knownHosts);
            int port = line.port("--ssh-port", 22);
            for (Map.Entry<String, String> node : nodes.entrySet()) {
                SshCommandTransport transport = SshCommandTransport.builder(node.getValue())
                        .port(port)
                        .user(line.value("--ssh-user").orElse("root"))
                        .privateKey(key)
                        .hostKeyPolicy(hostKeys)
                        .build();
                cluster.node(NodeName.of(node.getKey()), transport);
            }
            cluster.mainNode(NodeName.of(nodes.keySet().iterator().next()));

            // Site settings; a wrong value is reported with the setting's name.
            VmProvisioner.Builder setup = VmProvisioner.builder()
                    .connect(cluster.build())
                    .storage(line.required("--storage"))
                    .gateway(Ipv4Address.parse("--gateway", line.required("--gateway")))
                    .images(ImageCache.builder(Path.of(line.value("--cache").orElse(home + "/.cache/pveq/images")))
                            .build())
                    .guests(SshGuestAccess.builder(Path.of(line.value("--guest-key")
                            .orElse(home + "/.pveq/guest_ed25519"))).build())
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
