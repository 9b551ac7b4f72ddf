package io.pveq.examples.bench;

import io.pveq.core.AddressProbe;
import io.pveq.core.Ipv4Address;
import io.pveq.core.ProxmoxListener;
import io.pveq.core.VmId;
import io.pveq.core.NodeName;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.internal.engine.EngineProvisioner;
import io.pveq.core.internal.engine.InitScriptSource;
import io.pveq.core.internal.engine.Retry;
import io.pveq.sim.SimulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * VMID/IP allocation latency on a busy cluster: 150 of the 155 VMIDs/addresses of the default range
 * (100-254) are taken by VMs spread over three simulated nodes, 5 are free. Each sample is one
 * {@code reserve} (fresh cluster-state read, exclusion of every id and configured address, probe of
 * the candidates) and the release of the lease. The probe answers from the simulated network; a
 * free address stays silent for the whole probe timeout, as on a real network, so the figure that
 * matters is the time beyond that timeout.
 *
 * <p>Run from the repository root; prints a table and writes {@code target/bench/allocation.json}:
 * <pre>
 * mvn -B -q -pl pveq-examples -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * cd pveq-examples &amp;&amp; java -cp "target/classes:$(cat target/cp.txt)" io.pveq.examples.bench.AllocationBenchmark
 * </pre>
 */
public final class AllocationBenchmark {

    private static final int SAMPLES = 40;
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(300);

    private AllocationBenchmark() {
    }

    public static void main(String[] args) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(run("silent free addresses wait the 300 ms timeout", true));
        rows.add(run("probe answering at once (library + cluster reads only)", false));
        BenchSupport.report("allocation", List.of("case", "samples", "median ms", "p90 ms", "max ms",
                "median beyond probe timeout ms", "first (cold cache) ms"), rows);
    }

    private static List<String> run(String label, boolean silentTimeout) {
        try (SimulatedCluster cluster = SimulatedCluster.builder().instant().resourcesRefresh(Duration.ZERO).build()) {
            Set<Integer> free = Set.of(117, 143, 188, 201, 250);
            List<NodeName> nodes = cluster.nodes();
            for (int id = 100; id <= 254; id++) {
                if (!free.contains(id)) {
                    cluster.transport(nodes.get(id % nodes.size())).run(List.of("qm", "create", Integer.toString(id),
                            "--name", "busy-" + id, "--ipconfig0", "ip=127.0.10." + id + "/24,gw=127.0.10.1"));
                }
            }
            AddressProbe sim = cluster.addressProbe();
            AddressProbe probe = (address, timeout) -> {
                boolean used = sim.inUse(address, timeout);
                if (!used && silentTimeout) {
                    try {
                        Thread.sleep(timeout.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return used;
            };
            ProvisionerSettings.Timeouts d = ProvisionerSettings.Timeouts.DEFAULTS;
            ProvisionerSettings settings = ProvisionerSettings.builder().storage("local-lvm")
                    .gateway(Ipv4Address.of(127, 0, 10, 1)).timeouts(new ProvisionerSettings.Timeouts(d.command(),
                            d.longCommand(), d.sshReady(), d.initScript(), d.shutdown(), PROBE_TIMEOUT, d.cpuLevelCache(),
                            d.operationRetention())).build();
            EngineProvisioner.Setup setup = new EngineProvisioner.Setup(settings, cluster.commandLine(),
                    new BenchSupport.LocalImages(), Optional.of(cluster.guestAccess()), probe, java.time.Clock.systemUTC(),
                    Optional.empty(), Optional.empty(), ProxmoxListener.NONE);
            try (EngineProvisioner provisioner = EngineProvisioner.create(setup, InitScriptSource.NONE,
                    Retry.defaults())) {
                List<Double> samples = new ArrayList<>();
                double first = 0;
                for (int i = 0; i <= SAMPLES; i++) {
                    long start = System.nanoTime();
                    VmId reserved = provisioner.reserveAndRelease();
                    double ms = (System.nanoTime() - start) / 1e6;
                    if (!free.contains(reserved.value())) {
                        throw new IllegalStateException("allocated a taken VMID " + reserved);
                    }
                    if (i == 0) {
                        first = ms;
                    } else {
                        samples.add(ms);
                    }
                }
                double[] s = BenchSupport.stats(samples);
                double beyond = silentTimeout ? s[0] - PROBE_TIMEOUT.toMillis() : s[0];
                return List.of(label, Integer.toString(SAMPLES), BenchSupport.ms(s[0]), BenchSupport.ms(s[1]),
                        BenchSupport.ms(s[2]), BenchSupport.ms(beyond), BenchSupport.ms(first));
            }
        }
    }
}
