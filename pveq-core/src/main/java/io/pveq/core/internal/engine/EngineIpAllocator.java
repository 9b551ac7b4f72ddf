package io.pveq.core.internal.engine;

import io.pveq.core.AddressProbe;
import io.pveq.core.AddressingMode;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.IpPoolExhaustedException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NetworkSettings;
import io.pveq.core.OperationCancelledException;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.internal.pve.ClusterVm;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IpAllocator}. Each {@link #reserve} reads fresh cluster state (every qemu and lxc id is
 * taken; every address configured in an {@code ipconfigN} or a pool tag is taken), leaves out what
 * this process holds or recently claimed or saw lose a create, then probes the next few candidates'
 * addresses in parallel and reserves the first one that stays silent. Addresses that answered are
 * remembered for a while so they are not probed again on every allocation. Thread-safe.
 */
public final class EngineIpAllocator implements IpAllocator {

    private static final Logger LOG = LoggerFactory.getLogger(EngineIpAllocator.class);
    /** Candidates probed at once. */
    static final int PROBE_BATCH = 8;
    /** How long a claimed or lost VMID counts as taken while cluster state may not show it yet. */
    static final Duration RECENT = Duration.ofMinutes(2);
    /** How long an address that answered a probe is skipped without probing again. */
    static final Duration ANSWERED = Duration.ofMinutes(1);

    private final NetworkSettings network;
    private final ClusterRouter router;
    private final AddressProbe probe;
    private final Duration probeTimeout;
    private final Clock clock;
    private final ExecutorService probes;
    private final ConfiguredAddresses configured;

    private final Set<VmId> reservedIds = new HashSet<>();
    private final Set<Ipv4Address> reservedIps = new HashSet<>();
    private final Map<VmId, Instant> recentIds = new HashMap<>();
    private final Map<Ipv4Address, Instant> recentIps = new HashMap<>();
    /** Guarded by this. VMs this process created and is destroying because they lost their address. */
    private final Map<VmId, Instant> backedOff = new HashMap<>();
    private final Map<Ipv4Address, Instant> answered = new HashMap<>();

    /**
     * @param network      the network and addressing mode
     * @param router       where cluster state and VM configs are read
     * @param probe        tells whether an address answers
     * @param probeTimeout how long one probe waits
     * @param clock        time for the caches
     * @param probes       runs probes and config reads in parallel (a cached pool; not closed here)
     */
    EngineIpAllocator(NetworkSettings network, ClusterRouter router, AddressProbe probe, Duration probeTimeout,
                             Clock clock, ExecutorService probes) {
        this.network = Objects.requireNonNull(network, "network");
        this.router = Objects.requireNonNull(router, "router");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.probeTimeout = Objects.requireNonNull(probeTimeout, "probeTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.probes = Objects.requireNonNull(probes, "probes");
        this.configured = new ConfiguredAddresses(router, clock, Duration.ofMinutes(5), probes);
    }

    @Override
    public NetworkSettings network() {
        return network;
    }

    private record Candidate(VmId vmId, Ipv4Address address) {
    }

    private record State(Set<VmId> takenIds, Map<Ipv4Address, Set<VmId>> takenIps, Map<VmId, String> nodeOf) {
    }

    private State readState(Set<VmId> fresh) {
        List<ClusterVm> guests = router.clusterVms();
        Set<VmId> ids = guests.stream().map(ClusterVm::vmId).collect(Collectors.toSet());
        Map<VmId, String> nodes = new HashMap<>();
        guests.forEach(g -> nodes.put(g.vmId(), g.node().value()));
        return new State(ids, configured.addresses(guests, fresh), nodes);
    }

    @Override
    public Lease reserve(Optional<VmId> requested) {
        Objects.requireNonNull(requested, "requested");
        requested.ifPresent(network::checkRequestedId);
        State state = readState(Set.of());
        Set<Ipv4Address> rejected = new HashSet<>();
        while (true) {
            List<Candidate> batch = candidates(state, requested, rejected);
            if (batch.isEmpty()) {
                throw new IpPoolExhaustedException(network.addressing().describe());
            }
            List<Boolean> inUse = probeAll(batch);
            synchronized (this) {
                for (int i = 0; i < batch.size(); i++) {
                    Candidate c = batch.get(i);
                    if (inUse.get(i)) {
                        answered.put(c.address(), clock.instant().plus(ANSWERED));
                        rejected.add(c.address());
                        continue;
                    }
                    if (reservedIds.contains(c.vmId()) || reservedIps.contains(c.address())) {
                        continue; // another install took it while we probed; look again
                    }
                    reservedIds.add(c.vmId());
                    reservedIps.add(c.address());
                    return new EngineLease(c.vmId(), new Ipv4Cidr(c.address(), network.prefixLength()));
                }
            }
            if (requested.isPresent()) {
                throw new InvalidSpecException("id", "the address " + batch.get(0).address() + " for VMID "
                        + requested.get() + " already answers on the network");
            }
        }
    }

    private List<Boolean> probeAll(List<Candidate> batch) {
        if (probe == AddressProbe.NEVER_IN_USE) {
            return batch.stream().map(c -> false).toList();
        }
        List<CompletableFuture<Boolean>> futures = batch.stream()
                .map(c -> CompletableFuture.supplyAsync(() -> safeProbe(c.address()), probes)).toList();
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationCancelledException("interrupted while probing addresses");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("address probe failed", e.getCause());
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private boolean safeProbe(Ipv4Address address) {
        try {
            return probe.inUse(address.toInetAddress(), probeTimeout);
        } catch (RuntimeException e) {
            LOG.warn("address probe of {} failed; treating it as in use", address, e);
            return true;
        }
    }

    private synchronized List<Candidate> candidates(State state, Optional<VmId> requested, Set<Ipv4Address> rejected) {
        Instant now = clock.instant();
        recentIds.values().removeIf(until -> until.isBefore(now));
        recentIps.values().removeIf(until -> until.isBefore(now));
        answered.values().removeIf(until -> until.isBefore(now));
        Set<Ipv4Address> blocked = new HashSet<>(state.takenIps().keySet());
        blocked.addAll(reservedIps);
        blocked.addAll(recentIps.keySet());
        blocked.addAll(answered.keySet());
        blocked.addAll(rejected);
        blocked.add(network.gateway());
        List<Candidate> out = new ArrayList<>();
        if (requested.isPresent()) {
            VmId id = requested.get();
            if (state.takenIds().contains(id) || recentIds.containsKey(id)) {
                throw new VmExistsException(id, state.nodeOf().getOrDefault(id, "(just created)"));
            }
            if (reservedIds.contains(id)) {
                throw new VmExistsException(id, "(reserved by another install in this process)");
            }
        }
        if (network.addressing() instanceof AddressingMode.VmidOctet range) {
            List<VmId> ids = requested.map(List::of).orElseGet(() -> idsIn(range.first(), range.last()));
            for (VmId id : ids) {
                if (out.size() == PROBE_BATCH) {
                    break;
                }
                Ipv4Address address = network.gateway().withLastOctet(id.value());
                if (requested.isEmpty() && (state.takenIds().contains(id) || reservedIds.contains(id)
                        || recentIds.containsKey(id))) {
                    continue;
                }
                if (blocked.contains(address)) {
                    if (requested.isPresent()) {
                        throw new InvalidSpecException("id", "the address " + address + " for VMID " + id
                                + " is already configured on VM " + state.takenIps().getOrDefault(address, Set.of())
                                + " or answers on the network");
                    }
                    continue;
                }
                out.add(new Candidate(id, address));
            }
        } else if (network.addressing() instanceof AddressingMode.Pool pool) {
            VmId id = requested.orElseGet(() -> freeId(state));
            for (long a = pool.first().toUnsigned(); a <= pool.last().toUnsigned() && out.size() < PROBE_BATCH; a++) {
                Ipv4Address address = new Ipv4Address((int) a);
                if (!blocked.contains(address)) {
                    out.add(new Candidate(id, address));
                }
            }
        }
        return out;
    }

    private static List<VmId> idsIn(int first, int last) {
        List<VmId> ids = new ArrayList<>(last - first + 1);
        for (int i = first; i <= last; i++) {
            ids.add(VmId.of(i));
        }
        return ids;
    }

    private VmId freeId(State state) {
        for (int i = VmId.MIN; i <= VmId.MAX; i++) {
            VmId id = VmId.of(i);
            if (!state.takenIds().contains(id) && !reservedIds.contains(id) && !recentIds.containsKey(id)) {
                return id;
            }
        }
        throw new IpPoolExhaustedException("VMID " + VmId.MIN + "-" + VmId.MAX);
    }

    /**
     * Pool addressing: other VMs configured with {@code address}, read fresh (the VM {@code self} and
     * any VM created since the last read included).
     *
     * @param self    the VM just created with {@code address}
     * @param address its address
     * @return the other VMs holding the same address, sorted; VMs this process has already backed off
     *         with (see {@link #backingOff}) are left out
     */
    public List<VmId> othersHolding(VmId self, Ipv4Address address) {
        List<ClusterVm> guests = router.clusterVms();
        Set<VmId> fresh = guests.stream().map(ClusterVm::vmId).filter(id -> !id.equals(self))
                .collect(Collectors.toSet());
        Map<Ipv4Address, Set<VmId>> all = configured.addresses(guests, fresh);
        Set<VmId> gone;
        synchronized (this) {
            Instant now = clock.instant();
            backedOff.values().removeIf(until -> until.isBefore(now));
            gone = Set.copyOf(backedOff.keySet());
        }
        return all.getOrDefault(address, Set.of()).stream().filter(id -> !id.equals(self) && !gone.contains(id))
                .sorted().toList();
    }

    /**
     * Pool addressing: VM {@code vmId} gives up its address and is about to be destroyed; from now on
     * {@link #othersHolding} no longer counts it, so the install that keeps the address does not back
     * off as well.
     */
    public synchronized void backingOff(VmId vmId) {
        backedOff.put(vmId, clock.instant().plus(RECENT));
    }

    /**
     * Pool addressing: another VM won {@code address} (see {@link #othersHolding}); skip it for a
     * while so the retry picks another one.
     */
    public synchronized void addressLost(Ipv4Address address) {
        recentIps.put(address, clock.instant().plus(RECENT));
    }

    /** Forgets the cached config of a VM this process destroyed (its address is free again). */
    public void forget(VmId vmId) {
        configured.forget(vmId);
    }

    private final class EngineLease implements Lease {
        private final VmId vmId;
        private final Ipv4Cidr address;
        private boolean closed;

        EngineLease(VmId vmId, Ipv4Cidr address) {
            this.vmId = vmId;
            this.address = address;
        }

        @Override
        public VmId vmId() {
            return vmId;
        }

        @Override
        public Ipv4Cidr address() {
            return address;
        }

        @Override
        public void markClaimed() {
            synchronized (EngineIpAllocator.this) {
                Instant until = clock.instant().plus(RECENT);
                recentIds.put(vmId, until);
                recentIps.put(address.address(), until);
            }
        }

        @Override
        public Lease next(VmExistsException taken) {
            synchronized (EngineIpAllocator.this) {
                recentIds.put(vmId, clock.instant().plus(RECENT));
            }
            close();
            return reserve(Optional.empty());
        }

        @Override
        public void close() {
            synchronized (EngineIpAllocator.this) {
                if (!closed) {
                    closed = true;
                    reservedIds.remove(vmId);
                    reservedIps.remove(address.address());
                }
            }
        }
    }

    /**
     * Releases what a claimed lease still holds locally: the VM was destroyed by a rollback, so its
     * VMID and address may be handed out again at once.
     */
    public void release(VmId vmId, Ipv4Address address) {
        synchronized (this) {
            recentIds.remove(vmId);
            recentIps.remove(address);
        }
        configured.forget(vmId);
    }
}
