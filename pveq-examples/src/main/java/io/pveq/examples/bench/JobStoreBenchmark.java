package io.pveq.examples.bench;

import io.pveq.core.InstallSpec;
import io.pveq.core.Ipv4Address;
import io.pveq.core.OsRelease;
import io.pveq.core.Secret;
import io.pveq.core.OperationId;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.OperationKind;
import io.pveq.core.event.ProgressListener;
import io.pveq.core.store.DurableOperations;
import io.pveq.core.store.OperationStore;
import io.pveq.core.store.StoredEvent;
import io.pveq.core.store.StoredOperation;
import io.pveq.sim.SimulatedCluster;
import io.pveq.store.jdbc.JdbcOperationStore;
import io.pveq.store.jdbc.PostgresPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the job store costs: (1) one install event written through the store (the write an event makes
 * before any subscriber sees it), on the embedded SQLite file and on a private PostgreSQL started here
 * with its default durability (fsync on); (2) the library overhead of an install on the simulator at zero
 * durations (wall time minus time inside the simulator, as {@link InstallOverheadBenchmark}) with no store,
 * with SQLite and with PostgreSQL, the three interleaved install by install so machine load hits all alike.
 *
 * <p>{@code pveq-examples/run.sh bench.JobStoreBenchmark [installs]} (default 40 per setup, after 10 warm-up
 * each); writes {@code target/bench/job-store-events.json} and {@code target/bench/job-store-install.json}.
 */
public final class JobStoreBenchmark {

    private static final int EVENTS = 2000;
    private static final String EVENT = "{\"stage\":\"IMPORTING_DISK\",\"elapsed_ns\":1234567890,\"vm_id\":101,"
            + "\"ip\":\"127.0.10.101\",\"type\":\"detail\",\"text\":\"transferred 1.2 GiB of 2.0 GiB (61.04%)\","
            + "\"status\":\"PROCESSING\"}";

    private JobStoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int installs = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        Path dir = Files.createTempDirectory("pveq-bench-store");
        try (PostgresPeer postgres = PostgresPeer.start(true);
             JdbcOperationStore sqlite = JdbcOperationStore.embedded(dir.resolve("sqlite"));
             JdbcOperationStore pg = JdbcOperationStore.connect(postgres.jdbcUrl(), postgres.user(), Optional.empty())) {
            Map<String, OperationStore> stores = new LinkedHashMap<>();
            stores.put("SQLite (embedded, WAL, synchronous=NORMAL)", sqlite);
            stores.put("PostgreSQL 15 on loopback (defaults: fsync on)", pg);
            List<List<String>> rows = new ArrayList<>();
            for (Map.Entry<String, OperationStore> s : stores.entrySet()) {
                double[] st = BenchSupport.stats(appends(s.getValue()));
                rows.add(List.of(s.getKey(), Integer.toString(EVENTS), BenchSupport.ms(st[0]), BenchSupport.ms(st[1]),
                        BenchSupport.ms(st[3])));
            }
            BenchSupport.report("job-store-events", List.of("store: one event appended", "events", "median ms",
                    "p90 ms", "mean ms"), rows);
            installOverhead(installs, sqlite, pg);
        } finally {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** @return milliseconds per append, one at a time, as an operation's thread writes its events */
    private static List<Double> appends(OperationStore store) {
        List<Double> out = new ArrayList<>();
        OperationId id = OperationId.random();
        store.insert(StoredOperation.started(id, OperationKind.INSTALL, Optional.empty(), "bench",
                Instant.now().plusSeconds(60), Instant.now(), "{}"));
        for (int i = 0; i < EVENTS + 200; i++) {
            long start = System.nanoTime();
            store.appendEvent(id, new StoredEvent(i, EVENT));
            if (i >= 200) {
                out.add((System.nanoTime() - start) / 1e6);
            }
        }
        return out;
    }

    private record Setup(String name, VmProvisioner provisioner, AtomicLong simNanos, List<Double> overhead,
                         List<Double> wall, long[] events) {
    }

    private static void installOverhead(int installs, OperationStore sqlite, OperationStore pg) {
        List<SimulatedCluster> clusters = new ArrayList<>();
        List<Setup> setups = new ArrayList<>();
        try {
            setups.add(setup("no job store (in memory)", Optional.empty(), clusters));
            setups.add(setup("SQLite job store", Optional.of(sqlite), clusters));
            setups.add(setup("PostgreSQL job store", Optional.of(pg), clusters));
            for (int i = 0; i < 10 + installs; i++) {
                for (Setup s : setups) {
                    long simBefore = s.simNanos().get();
                    long start = System.nanoTime();
                    var op = s.provisioner().submitInstall(InstallSpec.builder(OsRelease.of("debian", "12")).build(),
                            ProgressListener.NONE);
                    var r = op.await();
                    long total = System.nanoTime() - start;
                    long inSim = s.simNanos().get() - simBefore;
                    s.provisioner().destroy(r.vmId());
                    if (i >= 10) {
                        s.wall().add(total / 1e6);
                        s.overhead().add((total - inSim) / 1e6);
                        s.events()[0] = op.eventCount();
                    }
                }
            }
            List<List<String>> rows = new ArrayList<>();
            for (Setup s : setups) {
                double[] w = BenchSupport.stats(s.wall());
                double[] o = BenchSupport.stats(s.overhead());
                rows.add(List.of(s.name(), Integer.toString(installs), Long.toString(s.events()[0]), BenchSupport.ms(w[0]),
                        BenchSupport.ms(o[0]), BenchSupport.ms(o[1]), BenchSupport.ms(o[3])));
            }
            BenchSupport.report("job-store-install", List.of("install (simulator at zero durations)", "installs",
                    "events", "wall median ms", "overhead median ms", "overhead p90 ms", "overhead mean ms"), rows);
        } finally {
            setups.forEach(s -> s.provisioner().close());
            clusters.forEach(SimulatedCluster::close);
        }
    }

    private static Setup setup(String name, Optional<OperationStore> store, List<SimulatedCluster> clusters) {
        AtomicLong simNanos = new AtomicLong();
        SimulatedCluster cluster = SimulatedCluster.builder().instant().resourcesRefresh(Duration.ZERO).build();
        clusters.add(cluster);
        VmProvisioner.Builder setup = VmProvisioner.builder().storage("local-lvm")
                .gateway(Ipv4Address.of(127, 0, 10, 1)).rootPassword(Secret.of("bench-root-password"))
                .images(new BenchSupport.LocalImages()).guests(InstallOverheadBenchmark.timed(cluster.guestAccess(), simNanos))
                .addressProbe(cluster.addressProbe())
                .connect(BenchSupport.timedCommandLine(cluster, simNanos, new AtomicLong()));
        store.ifPresent(s -> setup.durable(DurableOperations.of(s, "bench-" + name.hashCode())));
        return new Setup(name, setup.build(), simNanos, new ArrayList<>(), new ArrayList<>(),
                new long[1]);
    }
}
