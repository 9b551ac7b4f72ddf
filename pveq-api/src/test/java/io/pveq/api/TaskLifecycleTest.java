package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.DiskSize;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.sim.PveRelease;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimFault;
import io.pveq.sim.SimulatedCluster;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tasks on real time (no virtual clock), against a simulator whose new tasks stay invisible for their
 * first status polls as a real node's briefly do: awaiting waits that out, a task can be stopped, a
 * deadline is kept, and the asynchronous await completes the same way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskLifecycleTest {

    private static final NodeName PVE1 = NodeName.of("pve1");

    private SimulatedCluster cluster;
    private ProxmoxApi api;

    @BeforeAll
    void start() {
        cluster = SimulatedCluster.builder().release(PveRelease.PVE_9_1).speedFactor(50)
                .api(SimApi.Options.defaults().withHiddenTaskPolls(3)).build();
        api = ProxmoxApi.builder().url(cluster.api().url()).token(cluster.api().rootToken())
                .trust(TlsTrust.caFile(cluster.api().caCertificate()))
                .httpClient(SchemaCheck.of("pve9").client()).taskPolling(Duration.ofMillis(5), Duration.ofMillis(50))
                .build();
    }

    @AfterAll
    void stop() {
        api.close();
        cluster.close();
    }

    private VmId createVm() {
        VmId id = api.cluster().nextId();
        Upid create = api.vms().create(PVE1, VmCreateSpec.builder(id).name("task-" + id).memoryMiB(512)
                .disk(DiskSpec.newDisk("scsi0", "local-lvm", DiskSize.ofGiB(1))).build());
        TaskResult result = api.tasks().await(create, Duration.ofMinutes(1), TaskListener.NONE);
        assertTrue(result.logTail().stream().anyMatch(l -> l.contains("TASK OK")), result.logTail().toString());
        return id;
    }

    @Test
    void aTaskNotVisibleYetIsWaitedFor() {
        VmId id = createVm();
        api.tasks().await(api.vms().delete(PVE1, id, false), Duration.ofMinutes(1), TaskListener.NONE);
    }

    @Test
    void aRunningTaskCanBeStoppedAndEndsAsFailed() throws Exception {
        VmId id = createVm();
        cluster.faults().on("qm", "start").times(1).inject(SimFault.delay(Duration.ofHours(1))); // inside the task
        Upid start = api.vms().start(PVE1, id);
        TaskTimeoutException timeout = assertThrows(TaskTimeoutException.class,
                () -> api.tasks().await(start, Duration.ofMillis(300), TaskListener.NONE));
        assertEquals(start, timeout.upid());
        CompletableFuture<TaskResult> pending = api.tasks().awaitAsync(start, Duration.ofMinutes(1), TaskListener.NONE);
        assertTrue(api.tasks().status(start).running());
        api.tasks().stop(start);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> pending.get(1, TimeUnit.MINUTES));
        TaskFailedException cause = assertInstanceOf(TaskFailedException.class, failed.getCause());
        assertTrue(cause.error().contains("interrupt"), cause.getMessage());
        assertTrue(api.tasks().recent().stream().anyMatch(t -> t.upid().equals(start) && !t.running()));
        api.tasks().await(api.vms().delete(PVE1, id, false), Duration.ofMinutes(1), TaskListener.NONE);
    }
}
