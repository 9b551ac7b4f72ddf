package io.pveq.examples.bench;

import io.pveq.core.InstallSpec;
import io.pveq.core.Ipv4Address;
import io.pveq.core.OsRelease;
import io.pveq.core.Secret;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestEndpoint;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.transport.OutputListener;
import io.pveq.sim.SimulatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Library overhead of one install on the simulator: wall time of a full install (all 18 stages,
 * real init script text, rollback journal, events) minus the time spent inside the simulator (its
 * commands, uploads and simulated guests), with the simulator at zero simulated durations. Installs
 * run one after another so the figures do not include waiting for other installs.
 *
 * <p>Run from the repository root; prints a table and writes {@code target/bench/install-overhead.json}:
 * <pre>
 * mvn -B -q -pl pveq-examples -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * cd pveq-examples &amp;&amp; java -cp "target/classes:$(cat target/cp.txt)" io.pveq.examples.bench.InstallOverheadBenchmark
 * </pre>
 */
public final class InstallOverheadBenchmark {

    private static final int WARMUP = 10;
    private static final int SAMPLES = 50;

    private InstallOverheadBenchmark() {
    }

    public static void main(String[] args) {
        AtomicLong simNanos = new AtomicLong();
        AtomicLong commands = new AtomicLong();
        try (SimulatedCluster cluster = SimulatedCluster.builder().instant().resourcesRefresh(Duration.ZERO).build()) {
            VmProvisioner.Builder setup = VmProvisioner.builder().storage("local-lvm")
                    .gateway(Ipv4Address.of(127, 0, 10, 1)).rootPassword(Secret.of("bench-root-password"))
                    .images(new BenchSupport.LocalImages()).guests(timed(cluster.guestAccess(), simNanos))
                    .addressProbe(cluster.addressProbe())
                    .connect(BenchSupport.timedCommandLine(cluster, simNanos, commands));
            List<Double> wall = new ArrayList<>();
            List<Double> overhead = new ArrayList<>();
            long commandCount = 0;
            try (VmProvisioner provisioner = setup.build()) {
                for (int i = 0; i < WARMUP + SAMPLES; i++) {
                    long simBefore = simNanos.get();
                    long cmdBefore = commands.get();
                    long start = System.nanoTime();
                    var r = provisioner.install(InstallSpec.builder(OsRelease.of("debian", "12")).build(),
                            ProgressListener.NONE);
                    long total = System.nanoTime() - start;
                    long inSim = simNanos.get() - simBefore;
                    provisioner.destroy(r.vmId());
                    if (i >= WARMUP) {
                        wall.add(total / 1e6);
                        overhead.add((total - inSim) / 1e6);
                        commandCount = commands.get() - cmdBefore;
                    }
                }
            }
            double[] w = BenchSupport.stats(wall);
            double[] o = BenchSupport.stats(overhead);
            BenchSupport.report("install-overhead", List.of("measure", "samples", "median ms", "p90 ms", "max ms",
                    "mean ms"), List.of(
                    List.of("install wall time (simulator at zero durations)", Integer.toString(SAMPLES),
                            BenchSupport.ms(w[0]), BenchSupport.ms(w[1]), BenchSupport.ms(w[2]), BenchSupport.ms(w[3])),
                    List.of("library overhead (wall minus time inside the simulator)", Integer.toString(SAMPLES),
                            BenchSupport.ms(o[0]), BenchSupport.ms(o[1]), BenchSupport.ms(o[2]), BenchSupport.ms(o[3])),
                    List.of("commands per install", "-", Long.toString(commandCount), "-", "-", "-")));
        }
    }

    static GuestAccess timed(GuestAccess inner, AtomicLong nanos) {
        return new GuestAccess() {
            @Override
            public String authorizedKey() {
                return inner.authorizedKey();
            }

            @Override
            public void awaitReady(GuestEndpoint endpoint, Duration deadline, ReadinessListener listener) {
                long s = System.nanoTime();
                try {
                    inner.awaitReady(endpoint, deadline, listener);
                } finally {
                    nanos.addAndGet(System.nanoTime() - s);
                }
            }

            @Override
            public int runScript(GuestEndpoint endpoint, GuestScript script, Duration timeout, OutputListener output) {
                long s = System.nanoTime();
                try {
                    return inner.runScript(endpoint, script, timeout, output);
                } finally {
                    nanos.addAndGet(System.nanoTime() - s);
                }
            }

            @Override
            public void reboot(GuestEndpoint endpoint) {
                long s = System.nanoTime();
                try {
                    inner.reboot(endpoint);
                } finally {
                    nanos.addAndGet(System.nanoTime() - s);
                }
            }
        };
    }
}
