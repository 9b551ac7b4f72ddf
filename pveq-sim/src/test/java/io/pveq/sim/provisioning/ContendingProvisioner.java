package io.pveq.sim.provisioning;

import io.pveq.core.InstallResult;
import io.pveq.core.Operation;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.testing.ParentChannel;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a separate JVM by {@link SimConcurrencyTest}: a provisioner of its own on a simulated cluster
 * persisted in a folder that another process installs on at the same time. Over its
 * {@link ParentChannel}: says {@code READY}, waits for {@code go} (so that both start together), submits
 * {@code count} installs at once and sends {@code vmid<TAB>ip} per finished install, or
 * {@code FAILED<TAB>message}.
 */
public final class ContendingProvisioner {

    private ContendingProvisioner() {
    }

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        Path temp = Path.of(args[2]);
        try (ParentChannel parent = ParentChannel.open();
             SimulatedCluster cluster = SimSetup.cluster().stateFolder(folder).build();
             VmProvisioner provisioner = SimSetup.provisioner(cluster, temp)) {
            parent.send("READY");
            parent.receive();
            List<Operation<InstallResult>> ops = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ops.add(provisioner.submitInstall(SimInstallTest.spec().node("pve" + (1 + i % 3)).build(),
                        ProgressListener.NONE));
            }
            for (Operation<InstallResult> op : ops) {
                try {
                    InstallResult result = op.await();
                    parent.send(result.vmId().value() + "\t" + result.ip().address());
                } catch (RuntimeException e) {
                    parent.send("FAILED\t" + String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' '));
                }
            }
        }
    }
}
