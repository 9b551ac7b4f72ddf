package io.pveq.api.engine;

import io.pveq.core.InstallResult;
import io.pveq.core.Operation;
import io.pveq.core.VmProvisioner;
import io.pveq.core.testing.ParentChannel;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link ConcurrentInstallsTest}: a provisioner of its own on a simulated cluster
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
             SimulatedCluster cluster = Dialect.CLI.cluster().stateFolder(folder).build();
             SimImages images = new SimImages(temp);
             VmProvisioner provisioner = Dialect.CLI.provisioner(cluster).images(images.cache()).build()) {
            parent.send("READY");
            parent.receive();
            for (Operation<InstallResult> op : ConcurrentInstallsTest.submit(provisioner, count)) {
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
