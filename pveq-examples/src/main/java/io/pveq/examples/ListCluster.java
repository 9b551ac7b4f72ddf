package io.pveq.examples;

import io.pveq.core.InstallResult;
import io.pveq.core.InstallSpec;
import io.pveq.core.NodeName;
import io.pveq.core.OsRelease;
import io.pveq.core.Operation;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.ProgressListener;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the VMs and nodes of a cluster as tables: the content of {@code GET /api/vm/list}
 * ({@link VmProvisioner#overview()}), read from fresh cluster state. The cluster is a simulated one
 * with three VMs installed first (Debian 12 on pve1, Ubuntu 24.04 on pve2, Rocky Linux 9 on pve3;
 * the Ubuntu one is then stopped), so the list has something to show. The VMs are destroyed at the end.
 *
 * <p>Run from the repository root:
 * <pre>
 * pveq-examples/run.sh ListCluster
 * </pre>
 */
public final class ListCluster {

    private static final String[][] VMS = {
        {"web", "debian", "12", "pve1"},
        {"build", "ubuntu", "24.04", "pve2"},
        {"db", "rockylinux", "9", "pve3"},
    };

    private ListCluster() {
    }

    /** Runs the example on {@code System.out} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /**
     * Runs the example.
     *
     * @param out  where everything is printed
     * @param args none
     * @return 0 on success, 1 when setting up the VMs failed, 2 on bad arguments
     */
    public static int run(PrintStream out, String[] args) {
        if (args.length != 0) {
            out.println("usage: ListCluster   (no arguments)");
            return 2;
        }
        try (DemoCluster demo = DemoCluster.start(200)) {
            VmProvisioner provisioner = demo.provisioner();
            out.println("Installing " + VMS.length + " VMs on the simulator ...");
            List<Operation<InstallResult>> installs = new ArrayList<>();
            for (String[] vm : VMS) {
                installs.add(provisioner.submitInstall(InstallSpec.builder(OsRelease.of(vm[1], vm[2])).name(vm[0])
                        .node(NodeName.of(vm[3])).build(), ProgressListener.NONE));
            }
            List<InstallResult> results = new ArrayList<>();
            for (Operation<InstallResult> install : installs) {
                results.add(install.await());
            }
            provisioner.stop(results.get(1).vmId());
            out.println();

            Table.printOverview(provisioner.overview(), out);

            results.forEach(r -> provisioner.destroy(r.vmId()));
            return 0;
        } catch (io.pveq.core.PveqException e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
    }
}
