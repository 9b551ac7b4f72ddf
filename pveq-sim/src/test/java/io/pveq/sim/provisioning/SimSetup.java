package io.pveq.sim.provisioning;

import io.pveq.core.NodeName;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.ProvisionerSetup;
import io.pveq.core.VmProvisioner;
import io.pveq.core.guest.GuestAccess;
import io.pveq.sim.SimulatedCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Builds a provisioner on a simulated cluster, the way the server does for its demo mode. */
final class SimSetup {

    /** Nominal simulated durations are divided by this: a 20 s boot takes 50 ms. */
    static final double SPEED = 400;

    private SimSetup() {
    }

    static SimulatedCluster.Builder cluster() {
        return SimulatedCluster.builder().speedFactor(SPEED);
    }

    static ProvisionerSettings.Timeouts timeouts(Duration sshReady) {
        ProvisionerSettings.Timeouts d = ProvisionerSettings.Timeouts.DEFAULTS;
        return new ProvisionerSettings.Timeouts(d.command(), d.longCommand(), sshReady, d.initScript(), d.shutdown(),
                d.addressProbe(), d.cpuLevelCache(), d.operationRetention());
    }

    static VmProvisioner provisioner(SimulatedCluster cluster, GeneratedImages images,
                                     Consumer<ProvisionerSettings.Builder> settings,
                                     UnaryOperator<GuestAccess> guests) {
        ProvisionerSettings.Builder b = ProvisionerSettings.builder().mainNode("pve1").storage("local-lvm")
                .gateway("127.0.10.1").rootPassword("sim-root-password").timeouts(timeouts(Duration.ofSeconds(20)));
        cluster.nodeDetails().forEach(n -> b.node(n.name().value(), n.address()));
        settings.accept(b);
        ProvisionerSetup.Builder setup = ProvisionerSetup.builder().settings(b.build()).images(images)
                .guests(guests.apply(cluster.guestAccess())).probe(cluster.addressProbe());
        for (NodeName node : cluster.nodes()) {
            setup.node(node, ProvisionerSetup.NodeConnection.remote(cluster.transport(node)));
        }
        return VmProvisioner.create(setup.build());
    }

    static VmProvisioner provisioner(SimulatedCluster cluster, Path temp) {
        return provisioner(cluster, new GeneratedImages(temp), b -> { }, g -> g);
    }
}
