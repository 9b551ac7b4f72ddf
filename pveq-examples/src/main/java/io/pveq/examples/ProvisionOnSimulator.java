package io.pveq.examples;

import io.pveq.core.InstallResult;
import io.pveq.core.InstallSpec;
import io.pveq.core.Ipv4Address;
import io.pveq.core.OsRelease;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.ProgressEvent;
import io.pveq.images.ImageCache;
import io.pveq.sim.SimImageMirror;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Installs one VM on a simulated three-node Proxmox VE cluster, start to finish, with no setup.
 *
 * <p>Shows the whole wiring of a provisioner: a {@link SimulatedCluster} (nodes {@code pve1..pve3} at
 * {@code 127.0.10.11..13}, timings 200 times faster than a real cluster), its image mirror served on
 * loopback, the real {@link ImageCache} downloading and verifying the Debian 12 image from that
 * mirror into a temporary folder, and the simulator's guest access and address probe. It installs a
 * VM (addresses in {@code 127.0.10.0/24}, gateway {@code 127.0.10.1}) printing every progress event,
 * prints the result, lists the cluster, and destroys the VM. Takes a few seconds.
 *
 * <p>Run from the repository root (optional arguments: OS and version, e.g. {@code ubuntu 24.04}):
 * <pre>
 * pveq-examples/run.sh ProvisionOnSimulator
 * pveq-examples/run.sh ProvisionOnSimulator rockylinux 9
 * </pre>
 */
public final class ProvisionOnSimulator {

    private ProvisionOnSimulator() {
    }

    /** Runs the example on {@code System.out} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /**
     * Runs the example.
     *
     * @param out  where everything is printed
     * @param args optional {@code OS VERSION} (default {@code debian 12})
     * @return 0 on success, 1 when the install failed, 2 on bad arguments
     */
    public static int run(PrintStream out, String[] args) {
        if (args.length != 0 && args.length != 2) {
            out.println("usage: ProvisionOnSimulator [OS VERSION]   e.g. debian 12, ubuntu 24.04, rockylinux 9");
            return 2;
        }
        String os = args.length == 2 ? args[0] : "debian";
        String version = args.length == 2 ? args[1] : "12";
        Path folder = null;
        try (SimulatedCluster cluster = SimulatedCluster.builder().speedFactor(200).build();
             SimImageMirror mirror = SimImageMirror.start()) {
            folder = Files.createTempDirectory("pveq-example-");

            // 1. The real image cache, pointed at the simulator's mirror instead of the official ones.
            ImageCache images = ImageCache.builder(folder.resolve("images"))
                    .mirror("debian", mirror.debianBase())
                    .mirror("ubuntu", mirror.ubuntuBase())
                    .mirror("rockylinux", mirror.rockyBase())
                    .build();

            // 2. The provisioner: how the cluster is reached (its simulated qm/pvesh), where disks go, the VM
            //    network, how guests and addresses are checked. Every setter is typed.
            VmProvisioner.Builder setup = VmProvisioner.builder()
                    .connect(cluster.commandLine())
                    .storage("local-lvm")
                    .gateway(Ipv4Address.of("127.0.10.1"))
                    .images(images)
                    .guests(cluster.guestAccess())
                    .addressProbe(cluster.addressProbe());

            // 3. Install, printing each event as it happens; the call blocks until the VM is ready.
            try (VmProvisioner provisioner = setup.build()) {
                InstallSpec spec = InstallSpec.builder(OsRelease.of(os, version)).name("demo-vm").build();
                out.println("Installing " + spec);
                InstallResult result = provisioner.install(spec, event -> out.println(describe(event)));

                out.println();
                out.println("Installed VM " + result.vmId() + " '" + result.name() + "' on " + result.node()
                        + " at " + result.ip() + " (user " + result.user() + ", " + result.release()
                        + ", cpu " + result.cpuLevel() + ") in "
                        + String.format(Locale.ROOT, "%.2f s", result.duration().toMillis() / 1000.0));
                result.hostKeyFingerprint().ifPresent(fp -> out.println("Guest host key " + fp));

                out.println();
                Table.printOverview(provisioner.overview(), out);

                provisioner.destroy(result.vmId());
                out.println();
                out.println("Destroyed VM " + result.vmId() + "; VMs left: " + provisioner.overview().vms().size());
                return 0;
            }
        } catch (io.pveq.core.PveqException e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            out.println("FAILED: cannot create a temporary folder: " + e.getMessage());
            return 1;
        } finally {
            DemoCluster.deleteTree(folder);
        }
    }

    /** One line per event: time since the install started, then the event as SPEC's JSON. */
    static String describe(ProgressEvent event) {
        return String.format(Locale.ROOT, "%7.2fs  %s", event.elapsed().toMillis() / 1000.0, event.toJson());
    }
}
