package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.LockTimeoutException;
import io.pveq.core.NodeName;
import io.pveq.core.Secret;
import io.pveq.core.VmId;
import io.pveq.core.VmStatus;
import io.pveq.sim.SimFault;
import io.pveq.sim.SimFaults;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** Authentication, retries, sharing and caching against the simulator's API face (both releases). */
abstract class ApiContractAuthAndRetries extends ApiContract {

    static final String STATUS_CURRENT = "/nodes/{node}/qemu/{vmid}/status/current";
    static final String START = "/nodes/{node}/qemu/{vmid}/status/start";

    SimFaults faults() {
        return peer.cluster.faults();
    }

    @Test
    void aTicketIsUsedWithItsCsrfTokenRenewedBeforeExpiryAndRenewedAfterA401() throws Exception {
        RequestLog ticketLog = new RequestLog();
        try (ProxmoxApi root = peer.rootTicket(ticketLog, peer.clock)) {
            assertEquals(release().major(), root.version().major());
            assertEquals(1, ticketLog.count("POST", "/access/ticket"));
            VmId id = root.cluster().nextId();
            root.tasks().await(root.vms().create(PVE1, smallVm(id, "ticket-" + id).build()), WAIT, TaskListener.NONE);

            peer.clock.advance(Duration.ofMinutes(91)); // past the renewal point, inside the 2 h life
            root.vms().status(PVE1, id);
            assertEquals(2, ticketLog.count("POST", "/access/ticket"));
            peer.clock.advance(Duration.ofHours(3)); // expired: a fresh login with the password
            root.vms().status(PVE1, id);
            assertEquals(3, ticketLog.count("POST", "/access/ticket"));
            root.tasks().await(root.vms().delete(PVE1, id, false), WAIT, TaskListener.NONE);
        }
        // a client whose clock does not see the ticket age (system clock): the server's 401 makes it log in again
        RequestLog staleLog = new RequestLog();
        try (ProxmoxApi stale = peer.rootTicket(staleLog, Clock.systemUTC())) {
            stale.version();
            peer.clock.advance(Duration.ofHours(3));
            stale.version();
            assertEquals(2, staleLog.count("POST", "/access/ticket"));
            assertEquals(3, staleLog.count("GET", "/version"));
        }
    }

    @Test
    void aWriteWithoutTheCsrfTokenIsRefusedByTheServer() throws Exception {
        // the client always sends the token; this raw request (trusting the cluster CA) shows the peer checks it
        okhttp3.tls.HandshakeCertificates trust = new okhttp3.tls.HandshakeCertificates.Builder()
                .addTrustedCertificate(okhttp3.tls.Certificates.decodeCertificatePem(
                        peer.cluster.api().caCertificatePem())).build();
        OkHttpClient raw = new OkHttpClient.Builder().addInterceptor(peer.schema)
                .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager()).build();
        String base = peer.cluster.api().url() + "/api2/json";
        okhttp3.MediaType form = okhttp3.MediaType.get("application/x-www-form-urlencoded");
        String ticket;
        try (Response login = raw.newCall(new Request.Builder().url(base + "/access/ticket")
                .post(RequestBody.create("username=root%40pam&password=" + SimPeer.ROOT_PASSWORD, form)).build())
                .execute()) {
            assertEquals(200, login.code());
            ticket = new com.fasterxml.jackson.databind.ObjectMapper().readTree(login.body().string()).path("data")
                    .path("ticket").asText();
        }
        try (Response refused = raw.newCall(new Request.Builder().url(base + "/nodes/pve1/qemu/99998/status/start")
                .header("Cookie", "PVEAuthCookie=" + ticket).post(RequestBody.create("", form)).build()).execute()) {
            assertEquals(401, refused.code());
        }
        try (Response read = raw.newCall(new Request.Builder().url(base + "/version")
                .header("Cookie", "PVEAuthCookie=" + ticket).build()).execute()) {
            assertEquals(200, read.code(), "reads need no CSRF token");
        }
    }

    @Test
    void aWrongPasswordIsRefusedNamingTheUser() {
        try (ProxmoxApi wrong = peer.builder(new RequestLog()).ticket("root@pam", Secret.of("wrong")).build()) {
            AuthenticationException e = assertThrows(AuthenticationException.class, wrong::version);
            assertTrue(e.getMessage().contains("root@pam"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong"), e.getMessage());
        }
    }

    @Test
    void readsRetryOnServerErrorsAndDroppedConnections() {
        VmId id = created(PVE1, smallVm(api.cluster().nextId(), "retry").build());
        log.clear();
        SimFaults.Handle failing = faults().onApi("GET", STATUS_CURRENT).times(2).inject(SimFault.fail("proxy error"));
        assertEquals(VmStatus.STOPPED, api.vms().status(PVE1, id).status());
        assertEquals(2, failing.hits());
        assertEquals(3, log.count("GET", "/status/current"));
        log.clear();
        faults().onApi("GET", STATUS_CURRENT).times(1).inject(SimFault.connectionDrop(false));
        assertEquals(VmStatus.STOPPED, api.vms().status(PVE1, id).status());
        assertEquals(2, log.count("GET", "/status/current"));
        await(api.vms().delete(PVE1, id, false));
    }

    @Test
    void writesAreNeverResentBlindlyButALockTimeoutIsRetried() {
        VmId id = created(PVE1, smallVm(api.cluster().nextId(), "writes").build());
        log.clear();
        faults().onApi("POST", START).times(1).inject(SimFault.fail("start failed: QEMU exited with code 1"));
        assertThrows(RuntimeException.class, () -> await(api.vms().start(PVE1, id)));
        assertEquals(1, log.count("POST", "/status/start"));

        log.clear();
        faults().onApi("POST", START).times(1).inject(SimFault.connectionDrop(true));
        ApiConnectionException dropped = assertThrows(ApiConnectionException.class, () -> api.vms().start(PVE1, id));
        assertTrue(dropped.mayHaveBeenApplied());
        assertEquals(1, log.count("POST", "/status/start"));
        awaitStatus(id, VmStatus.RUNNING);
        await(api.vms().stop(PVE1, id));

        log.clear();
        faults().onApi("POST", START).times(2).inject(SimFault.lockTimeout());
        await(api.vms().start(PVE1, id));
        assertEquals(3, log.count("POST", "/status/start"));
        await(api.vms().stop(PVE1, id));

        log.clear();
        faults().onApi("POST", START).times(10).inject(SimFault.lockTimeout());
        assertThrows(LockTimeoutException.class, () -> api.vms().start(PVE1, id));
        assertEquals(5, log.count("POST", "/status/start"));
        faults().clear();
        await(api.vms().delete(PVE1, id, false));
    }

    private void awaitStatus(VmId id, VmStatus wanted) {
        for (int i = 0; i < 200 && api.vms().status(PVE1, id).status() != wanted; i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertEquals(wanted, api.vms().status(PVE1, id).status());
    }

    @Test
    void aCreateWhoseAnswerIsLostIsResolvedByLookingNotByResending() {
        VmId id = api.cluster().nextId();
        log.clear();
        faults().onApi("POST", "/nodes/{node}/qemu").times(1).inject(SimFault.connectionDrop(true));
        Upid found = api.vms().create(PVE1, smallVm(id, "lost-" + id).build());
        assertEquals("qmcreate", found.type());
        assertEquals(id.toString(), found.id());
        assertEquals(1, log.count("POST", "/nodes/pve1/qemu"));
        await(found);
        await(api.vms().delete(PVE1, id, false));

        VmId never = api.cluster().nextId();
        log.clear();
        faults().onApi("POST", "/nodes/{node}/qemu").times(1).inject(SimFault.connectionDrop(false));
        ApiConnectionException e = assertThrows(ApiConnectionException.class,
                () -> api.vms().create(PVE1, smallVm(never, "never").build()), () -> log.lines().toString());
        assertFalse(e.mayHaveBeenApplied());
        assertEquals(1, log.count("POST", "/nodes/pve1/qemu"));
        assertTrue(api.cluster().isFree(never));
    }

    @Test
    void fiftyThreadsShareOneClientAndItsConnectionPool() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        RequestLog shared = new RequestLog();
        OkHttpClient counting = new OkHttpClient.Builder().addInterceptor(peer.schema).addInterceptor(shared)
                .eventListener(new EventListener() {
                    @Override
                    public void connectStart(Call call, java.net.InetSocketAddress address, java.net.Proxy proxy) {
                        connections.incrementAndGet();
                    }
                }).build();
        VmId first = api.cluster().nextId();
        try (ProxmoxApi client = peer.builder(shared).httpClient(counting).token(peer.cluster.api().rootToken()).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(50);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<VmId>> results = new ArrayList<>();
            for (int t = 0; t < 50; t++) {
                VmId id = VmId.of(first.value() + 1000 + t);
                NodeName home = t % 2 == 0 ? PVE1 : PVE2;
                results.add(pool.submit(() -> {
                    go.await();
                    client.tasks().await(client.vms().create(home, smallVm(id, "t" + id).build()), WAIT,
                            TaskListener.NONE);
                    for (int i = 0; i < 10; i++) {
                        client.vms().status(home, id);
                        client.cluster().nextId();
                    }
                    return id;
                }));
            }
            go.countDown();
            for (Future<VmId> result : results) {
                result.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            // one pool for all: connections are reused (a few more than threads: pveproxy closes after errors)
            assertTrue(connections.get() <= 75 && shared.lines().size() > 10 * connections.get(),
                    "connections opened: " + connections.get() + " for " + shared.lines().size() + " requests");
            for (Future<VmId> result : results) {
                VmId id = result.get();
                NodeName node = (id.value() - first.value() - 1000) % 2 == 0 ? PVE1 : PVE2;
                client.tasks().await(client.vms().delete(node, id, false), WAIT, TaskListener.NONE);
            }
        }
    }

    @Test
    void theReadCacheAnswersWithinItsTimeToLiveAndWritesEmptyIt() {
        VmId id = created(PVE1, smallVm(api.cluster().nextId(), "cache").build());
        RequestLog cacheLog = new RequestLog();
        try (ProxmoxApi cached = peer.builder(cacheLog).token(peer.cluster.api().rootToken())
                .cache(CachePolicy.off().with(CacheKind.VM_STATUS, Duration.ofSeconds(10))).build()) {
            cached.vms().status(PVE1, id);
            cached.vms().status(PVE1, id);
            assertEquals(1, cacheLog.count("GET", "/status/current"));
            cached.tasks().await(cached.vms().start(PVE1, id), WAIT, TaskListener.NONE);
            assertEquals(VmStatus.RUNNING, cached.vms().status(PVE1, id).status());
            assertEquals(2, cacheLog.count("GET", "/status/current"));
            peer.clock.advance(Duration.ofSeconds(11));
            cached.vms().status(PVE1, id);
            assertEquals(3, cacheLog.count("GET", "/status/current"));
            cached.tasks().await(cached.vms().stop(PVE1, id), WAIT, TaskListener.NONE);
        }
        await(api.vms().delete(PVE1, id, false));
    }
}
