package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.VmStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live statistics as seed 004 streams container stats: a guest's and a node's use now, its RRD history,
 * and watching with fan-out (100 watchers of one VM cost one poll per interval), over real HTTPS against
 * the simulator's API face of one release, every exchange checked against apidata.js.
 */
abstract class StatsContract extends GuestFeaturesFixture {

    static final VmId CT = VmId.of(500);

    @Override
    java.util.function.UnaryOperator<io.pveq.sim.SimulatedCluster.Builder> cluster() {
        return b -> b.container(CT, PVE1, "ct-stats");
    }

    VmId vm;

    @BeforeAll
    void start() {
        vm = api.cluster().nextId();
        api.tasks().await(api.vms().create(PVE1, VmCreateSpec.builder(vm).name("stats-" + vm).memoryMiB(1024).cores(2)
                .start(true).build()), WAIT, TaskListener.NONE);
    }

    @Test
    void guestsAndANodeReportTheirUseNowAndGuestsTheirHistory() {
        peer.clock.advance(Duration.ofMinutes(5));
        GuestUsage usage = api.stats().current(GuestRef.vm(PVE1, vm));
        assertEquals(VmStatus.RUNNING, usage.status());
        assertEquals(2, usage.cpus(), 1e-9);
        assertEquals(1024L << 20, usage.maxMem());
        assertTrue(usage.uptime().toSeconds() > 0, usage.toString());
        NodeUsage node = api.stats().current(PVE1);
        assertTrue(node.memTotal() > node.memUsed() && node.memUsed() > 0, node.toString());
        assertEquals(3, node.loadAverage().size());
        List<UsagePoint> hour = api.stats().history(GuestRef.vm(PVE1, vm), UsagePoint.Timeframe.HOUR, false);
        assertEquals(70, hour.size());
        assertTrue(hour.get(hour.size() - 1).cpu().isPresent(), "running now: " + hour.get(hour.size() - 1));
        assertTrue(hour.get(0).cpu().isEmpty(), "not running an hour ago: " + hour.get(0));
        assertTrue(hour.get(0).time().isBefore(hour.get(1).time()));

        GuestRef ct = GuestRef.container(PVE1, CT);
        await(api.containers().start(PVE1, CT));
        peer.clock.advance(Duration.ofMinutes(5));
        GuestUsage container = api.stats().current(ct);
        assertEquals(VmStatus.RUNNING, container.status());
        assertEquals(512L << 20, container.maxMem());
        List<UsagePoint> day = api.stats().history(ct, UsagePoint.Timeframe.DAY, true);
        assertEquals(70, day.size());
        assertEquals(java.util.OptionalDouble.of(512L << 20), day.get(day.size() - 1).maxMem());
    }

    @Test
    void aHundredWatchersOfOneVmCostOnePollPerInterval() throws Exception {
        GuestRef guest = GuestRef.vm(PVE1, vm);
        String statusPath = "/qemu/" + vm + "/status/current";
        log.clear();
        List<AtomicInteger> heard = new ArrayList<>();
        List<StatsApi.Watch> watches = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            AtomicInteger count = new AtomicInteger();
            heard.add(count);
            watches.add(api.stats().watch(guest, Duration.ofMillis(100), sample -> count.incrementAndGet()));
        }
        assertEquals(1, api.stats().activePollers());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (heard.stream().anyMatch(c -> c.get() < 5) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        watches.forEach(StatsApi.Watch::close);
        Thread.sleep(300); // a poll under way when the last watcher closed ends
        long polls = log.count("GET", statusPath);
        int most = heard.stream().mapToInt(AtomicInteger::get).max().orElseThrow();
        assertTrue(heard.stream().allMatch(c -> c.get() >= 5), "every watcher is served: " + heard);
        assertTrue(polls <= most + 1, polls + " polls for 100 watchers that heard at most " + most + " samples each");
        assertEquals(0, api.stats().activePollers(), "the poll stops with its last watcher");
        Thread.sleep(500);
        assertEquals(polls, log.count("GET", statusPath), "no poll after the last watcher closed");
    }

    @Test
    void aWatchedGuestThatDisappearsIsReportedAndANodeCanBeWatched() throws Exception {
        VmId gone = api.cluster().nextId();
        api.tasks().await(api.vms().create(PVE1, VmCreateSpec.builder(gone).name("gone-" + gone).memoryMiB(512).build()),
                WAIT, TaskListener.NONE);
        List<GuestUsage> samples = new CopyOnWriteArrayList<>();
        List<PveqException> errors = new CopyOnWriteArrayList<>();
        try (StatsApi.Watch watch = api.stats().watch(GuestRef.vm(PVE1, gone), Duration.ofMillis(100),
                new UsageListener<>() {
                    @Override
                    public void onSample(GuestUsage sample) {
                        samples.add(sample);
                    }

                    @Override
                    public void onError(PveqException failure) {
                        errors.add(failure);
                    }
                })) {
            waitFor(() -> !samples.isEmpty());
            api.tasks().await(api.vms().delete(PVE1, gone, true), WAIT, TaskListener.NONE);
            waitFor(() -> !errors.isEmpty());
        }
        assertTrue(errors.get(0).getMessage().contains(gone.toString()), errors.get(0).getMessage());

        List<NodeUsage> nodes = new CopyOnWriteArrayList<>();
        try (StatsApi.Watch watch = api.stats().watch(PVE1, Duration.ofMillis(100), nodes::add)) {
            waitFor(() -> nodes.size() >= 2);
        }
        assertFalse(nodes.isEmpty());
        assertEquals("interval", assertThrows(InvalidSpecException.class,
                () -> api.stats().watch(PVE1, Duration.ofMillis(10), s -> { })).field());
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 30 s");
            }
            Thread.sleep(20);
        }
    }
}
