package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.AddressingMode;
import io.pveq.core.CommandFailedException;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.IpPoolExhaustedException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NetworkSettings;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The claim protocol of {@link IpAllocator#claim}, over an allocator whose view of the cluster lags. */
class IpAllocatorClaimTest {

    /** Ids the real cluster holds: the create fails for these, whatever the allocator believes. */
    private final Set<Integer> cluster = ConcurrentHashMap.newKeySet();
    private final LaggingAllocator allocator = new LaggingAllocator();
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Believes nothing is taken until told by {@link IpAllocator.Lease#next}; reserves in memory. */
    private final class LaggingAllocator implements IpAllocator {
        final Set<Integer> knownTaken = new HashSet<>();
        final Set<Integer> reserved = new HashSet<>();
        private final NetworkSettings network = NetworkSettings.defaults(Ipv4Address.of(192, 168, 0, 1));

        @Override
        public NetworkSettings network() {
            return network;
        }

        @Override
        public synchronized Lease reserve(Optional<VmId> requested) {
            if (requested.isPresent()) {
                VmId id = network.checkRequestedId(requested.get());
                if (knownTaken.contains(id.value()) || reserved.contains(id.value())) {
                    throw new VmExistsException(id, "");
                }
                return lease(id.value());
            }
            AddressingMode.VmidOctet range = (AddressingMode.VmidOctet) network.addressing();
            for (int id = range.first(); id <= range.last(); id++) {
                if (!knownTaken.contains(id) && !reserved.contains(id)) {
                    return lease(id);
                }
            }
            throw new IpPoolExhaustedException(range.describe());
        }

        synchronized int reservedCount() {
            return reserved.size();
        }

        private Lease lease(int id) {
            reserved.add(id);
            VmId vmId = VmId.of(id);
            return new Lease() {
                private boolean open = true;

                @Override
                public VmId vmId() {
                    return vmId;
                }

                @Override
                public Ipv4Cidr address() {
                    return network.addressFor(vmId).orElseThrow();
                }

                @Override
                public void markClaimed() {
                    synchronized (LaggingAllocator.this) {
                        knownTaken.add(id);
                    }
                }

                @Override
                public Lease next(VmExistsException taken) {
                    synchronized (LaggingAllocator.this) {
                        knownTaken.add(taken.vmId().value());
                        close();
                        return reserve(Optional.empty());
                    }
                }

                @Override
                public void close() {
                    synchronized (LaggingAllocator.this) {
                        if (open) {
                            reserved.remove(id);
                            open = false;
                        }
                    }
                }
            };
        }
    }

    private void create(VmId id, Ipv4Cidr address) {
        assertEquals(id.value(), address.address().octet(3), "address follows the VMID");
        if (!cluster.add(id.value())) {
            throw new VmExistsException(id, "pve2");
        }
    }

    @Test
    void claimsNextVmidWhenCreateSaysAlreadyExists() {
        cluster.addAll(List.of(100, 101));
        IpAllocator.Allocation a = allocator.claim(Optional.empty(), this::create);
        assertEquals(VmId.of(102), a.vmId());
        assertEquals("192.168.0.102/24", a.address().toString());
        assertEquals(Ipv4Address.of(192, 168, 0, 1), a.gateway());
        assertEquals(3, a.attempts());
        assertEquals(0, allocator.reservedCount(), "no reservation leaks");
    }

    @Test
    void neverSwapsARequestedIdForAnother() {
        cluster.add(150);
        VmExistsException e = assertThrows(VmExistsException.class,
                () -> allocator.claim(Optional.of(VmId.of(150)), this::create));
        assertEquals(VmId.of(150), e.vmId());
        assertEquals(0, allocator.reservedCount());
    }

    @Test
    void requestedIdOutsideTheRangeNamesTheIdField() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> allocator.claim(Optional.of(VmId.of(300)), this::create));
        assertEquals("id", e.field());
    }

    @Test
    void otherCreateFailuresPropagateAndReleaseTheReservation() {
        CommandFailedException boom = new CommandFailedException("pve1", "qm create 100", 255, "storage full");
        assertEquals(boom, assertThrows(CommandFailedException.class, () -> allocator.claim(Optional.empty(), (id, ip) -> {
            throw boom;
        })));
        assertEquals(0, allocator.reservedCount());
        assertEquals(VmId.of(100), allocator.claim(Optional.empty(), this::create).vmId(), "100 was not burnt");
    }

    @Test
    void givesUpAfterTooManyLostCreates() {
        for (int id = 100; id <= 254; id++) {
            cluster.add(id);
        }
        IpPoolExhaustedException e = assertThrows(IpPoolExhaustedException.class,
                () -> allocator.claim(Optional.empty(), this::create));
        assertTrue(e.range().contains("VMID 100-254"), e.range());
        assertEquals(0, allocator.reservedCount());
    }

    @Test
    void concurrentClaimsNeverShareAPair() throws Exception {
        cluster.addAll(List.of(100, 103, 104, 110));
        List<Future<IpAllocator.Allocation>> futures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            futures.add(pool.submit(() -> allocator.claim(Optional.empty(), this::create)));
        }
        Set<VmId> ids = new HashSet<>();
        Set<Ipv4Cidr> addresses = new HashSet<>();
        for (Future<IpAllocator.Allocation> f : futures) {
            IpAllocator.Allocation a = f.get();
            assertTrue(ids.add(a.vmId()), "duplicate " + a.vmId());
            assertTrue(addresses.add(a.address()), "duplicate " + a.address());
        }
        assertEquals(40, ids.size());
        assertEquals(0, allocator.reservedCount());
    }
}
