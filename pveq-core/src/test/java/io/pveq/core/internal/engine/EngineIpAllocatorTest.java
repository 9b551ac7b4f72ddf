package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.AddressProbe;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.IpPoolExhaustedException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EngineIpAllocatorTest {

    private static EngineIpAllocator allocator(Harness h) {
        return h.provisioner.allocator();
    }

    @Test
    void proposesGatewayPrefixPlusVmidAndSkipsGuestsOfBothKinds() {
        try (Harness h = new Harness("pve1")) {
            h.pve.existingVm(100, "pve1", null).container(101, "pve1");
            try (IpAllocator.Lease lease = allocator(h).reserve(Optional.empty())) {
                assertEquals(VmId.of(102), lease.vmId());
                assertEquals("192.168.0.102/24", lease.address().toString());
            }
        }
    }

    @Test
    void skipsAnAddressThatAnswersOnTheNetwork() {
        Set<String> asked = ConcurrentHashMap.newKeySet();
        AddressProbe probe = (address, timeout) -> {
            asked.add(address.getHostAddress());
            return address.getHostAddress().equals("192.168.0.100");
        };
        try (Harness h = new Harness(b -> { }, probe, "pve1")) {
            try (IpAllocator.Lease lease = allocator(h).reserve(Optional.empty())) {
                assertEquals(VmId.of(101), lease.vmId());
            }
            assertTrue(asked.contains("192.168.0.100"), asked.toString());
        }
    }

    @Test
    void neverHandsOnePairToTwoConcurrentReservations() throws Exception {
        try (Harness h = new Harness("pve1")) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<IpAllocator.Lease>> futures = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    futures.add(pool.submit(() -> allocator(h).reserve(Optional.empty())));
                }
                Set<VmId> ids = new HashSet<>();
                Set<Ipv4Address> ips = new HashSet<>();
                for (Future<IpAllocator.Lease> f : futures) {
                    IpAllocator.Lease lease = f.get();
                    ids.add(lease.vmId());
                    ips.add(lease.address().address());
                }
                assertEquals(40, ids.size());
                assertEquals(40, ips.size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void exhaustionNamesTheRange() {
        try (Harness h = new Harness(b -> b.ipRange(200, 201), AddressProbe.NEVER_IN_USE, "pve1")) {
            h.pve.existingVm(200, "pve1", null).container(201, "pve1");
            IpPoolExhaustedException e = assertThrows(IpPoolExhaustedException.class,
                    () -> allocator(h).reserve(Optional.empty()));
            assertTrue(e.getMessage().contains("VMID 200-201"), e.getMessage());
        }
    }

    @Test
    void aRequestedVmidThatIsTakenOrOutOfRangeIsRefused() {
        try (Harness h = new Harness("pve1")) {
            h.pve.container(120, "pve1");
            assertThrows(VmExistsException.class, () -> allocator(h).reserve(Optional.of(VmId.of(120))));
            assertEquals("id", assertThrows(InvalidSpecException.class,
                    () -> allocator(h).reserve(Optional.of(VmId.of(300)))).field());
            try (IpAllocator.Lease held = allocator(h).reserve(Optional.of(VmId.of(121)))) {
                assertThrows(VmExistsException.class, () -> allocator(h).reserve(Optional.of(VmId.of(121))));
            }
        }
    }

    @Test
    void claimedVmidStaysTakenWhileClusterStateDoesNotShowItYet() {
        try (Harness h = new Harness("pve1")) {
            IpAllocator.Lease first = allocator(h).reserve(Optional.empty());
            first.markClaimed();
            first.close();
            try (IpAllocator.Lease second = allocator(h).reserve(Optional.empty())) {
                assertEquals(VmId.of(101), second.vmId());
            }
        }
    }

    @Test
    void poolModeGivesPoolAddressesWithIndependentVmidsAndSkipsConfiguredOnes() {
        try (Harness h = new Harness(b -> b.ipPool(Ipv4Address.of("192.168.0.50"), Ipv4Address.of("192.168.0.52")), AddressProbe.NEVER_IN_USE, "pve1")) {
            h.pve.existingVm(100, "pve1", "ip=192.168.0.50/24,gw=192.168.0.1");
            try (IpAllocator.Lease lease = allocator(h).reserve(Optional.empty())) {
                assertEquals(VmId.of(101), lease.vmId());
                assertEquals("192.168.0.51/24", lease.address().toString());
            }
        }
    }

    @Test
    void poolModeInstallRecordsTheAddressInATagAndTheIpconfig() {
        try (Harness h = new Harness(b -> b.ipPool(Ipv4Address.of("192.168.0.50"), Ipv4Address.of("192.168.0.52")), AddressProbe.NEVER_IN_USE, "pve1")) {
            var r = h.provisioner.install(Harness.spec().build(), io.pveq.core.event.ProgressListener.NONE);
            assertEquals("192.168.0.50/24", r.ip().toString());
            assertTrue(h.pve.vm(r.vmId().value()).config.get("tags").contains("pveq-ip-192.168.0.50"));
            assertEquals("ip=192.168.0.50/24,gw=192.168.0.1", h.pve.vm(r.vmId().value()).config.get("ipconfig0"));
        }
    }

    @Test
    void poolModeLoserOfADuplicateAddressBacksOffToTheNextOne() {
        try (Harness h = new Harness(b -> b.ipPool(Ipv4Address.of("192.168.0.50"), Ipv4Address.of("192.168.0.52")), AddressProbe.NEVER_IN_USE, "pve1")) {
            h.pve.existingVm(100, "pve1", null);
            // another process configures its lower-numbered VM 100 with .50 just as we create VM 101 with it
            h.pve.afterCreate = id -> {
                if (id == 101) {
                    h.pve.vm(100).config.put("ipconfig0", "ip=192.168.0.50/24,gw=192.168.0.1");
                }
            };
            var op = h.provisioner.submitInstall(Harness.spec().build(), io.pveq.core.event.ProgressListener.NONE);
            var r = op.await();
            assertEquals("192.168.0.51/24", r.ip().toString());
            assertEquals(VmId.of(102), r.vmId());
            assertEquals(null, h.pve.vm(101), "the loser's VM is destroyed");
            assertTrue(op.events().stream().anyMatch(e -> e.message().contains("backs off")));
        }
    }

    @Test
    void poolModeBacksOffWhenAHigherNumberedVmAlreadyHoldsTheAddress() {
        try (Harness h = new Harness(b -> b.ipPool(Ipv4Address.of("192.168.0.50"), Ipv4Address.of("192.168.0.52")), AddressProbe.NEVER_IN_USE, "pve1")) {
            // another install created VM 101 with .50 and checked before our VM 100 existed: it kept .50
            h.pve.afterCreate = id -> {
                if (id == 100) {
                    h.pve.existingVm(101, "pve1", "ip=192.168.0.50/24,gw=192.168.0.1");
                }
            };
            var op = h.provisioner.submitInstall(Harness.spec().build(), io.pveq.core.event.ProgressListener.NONE);
            var r = op.await();
            assertEquals("192.168.0.51/24", r.ip().toString(), "two VMs must never keep the same address");
            assertEquals("ip=192.168.0.50/24,gw=192.168.0.1", h.pve.vm(101).config.get("ipconfig0"));
            assertEquals(1, h.pve.vms.values().stream().filter(vm -> vm.config.getOrDefault("ipconfig0", "")
                    .startsWith("ip=192.168.0.50/")).count());
            assertTrue(op.events().stream().anyMatch(e -> e.message().contains("backs off")));
            assertTrue(h.sleeps.stream().anyMatch(d -> !d.isZero()), "a jittered pause before the next candidate");
        }
    }

    @Test
    void anUnreadableConfigKeepsTheVmsLastKnownAddress() {
        try (Harness h = new Harness(b -> b.ipPool(Ipv4Address.of("192.168.0.50"), Ipv4Address.of("192.168.0.52")), AddressProbe.NEVER_IN_USE, "pve1")) {
            h.pve.existingVm(100, "pve1", "ip=192.168.0.50/24,gw=192.168.0.1");
            Ipv4Address ip = Ipv4Address.parse("ip", "192.168.0.50");
            assertEquals(List.of(VmId.of(100)), allocator(h).othersHolding(VmId.of(999), ip));
            h.pve.fail(List.of("qm", "config", "100"), 255, "cluster not ready - no quorum?\n", -1);
            assertEquals(List.of(VmId.of(100)), allocator(h).othersHolding(VmId.of(999), ip),
                    "a node that cannot answer does not make its VMs' addresses free");
            h.pve.vms.remove(100);
            assertEquals(List.of(), allocator(h).othersHolding(VmId.of(999), ip), "a destroyed VM frees it");
        }
    }

    @Test
    void probeTimeoutIsTheConfiguredOne() {
        List<Duration> timeouts = new java.util.concurrent.CopyOnWriteArrayList<>();
        AddressProbe probe = (address, timeout) -> {
            timeouts.add(timeout);
            return false;
        };
        try (Harness h = new Harness(b -> { }, probe, "pve1")) {
            allocator(h).reserve(Optional.empty()).close();
            assertTrue(timeouts.stream().allMatch(Duration.ofMillis(300)::equals), timeouts.toString());
        }
    }
}
