package io.pveq.core.internal.engine;

import io.pveq.core.Ipv4Address;
import io.pveq.core.NodeName;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.internal.pve.ClusterVm;
import io.pveq.core.internal.pve.PropertyString;
import io.pveq.core.internal.pve.VmConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPv4 addresses existing VMs are configured with ({@code ipconfigN: ip=a.b.c.d/nn}), the
 * addresses recorded in pveq's pool tags, and, over the REST API, the addresses the guest agents of
 * running VMs report. A VM's config is read once (on its node, in parallel over VMs) and reused until it is older than the TTL or the VM is gone, so a
 * busy cluster costs one cluster-state read per allocation, not one command per VM. Thread-safe.
 */
final class ConfiguredAddresses {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredAddresses.class);
    private static final Pattern IPCONFIG = Pattern.compile("ipconfig\\d+");
    /** Config reads in flight at once (a cold cache on a big cluster must not open hundreds of commands). */
    static final int PARALLEL_READS = 16;

    private record Known(NodeName node, Set<Ipv4Address> addresses, Instant readAt) {
    }

    private final ClusterRouter router;
    private final Clock clock;
    private final Duration ttl;
    private final Executor executor;
    private final Map<VmId, Known> cache = new ConcurrentHashMap<>();

    ConfiguredAddresses(ClusterRouter router, Clock clock, Duration ttl, Executor executor) {
        this.router = router;
        this.clock = clock;
        this.ttl = ttl;
        this.executor = executor;
    }

    /**
     * @param guests fresh cluster state
     * @param fresh  VMs whose config must be read now, whatever the cache holds
     * @return address to the VMs configured with it
     */
    Map<Ipv4Address, Set<VmId>> addresses(List<ClusterVm> guests, Set<VmId> fresh) {
        Instant now = clock.instant();
        Set<VmId> present = new HashSet<>();
        List<ClusterVm> toRead = new ArrayList<>();
        Map<Ipv4Address, Set<VmId>> out = new HashMap<>();
        for (ClusterVm vm : guests) {
            present.add(vm.vmId());
            VmTags.ip(vm.tags()).ifPresent(ip -> out.computeIfAbsent(ip, k -> new HashSet<>()).add(vm.vmId()));
            if (!vm.qemu()) {
                continue;
            }
            Known known = cache.get(vm.vmId());
            boolean stale = known == null || !known.node().equals(vm.node()) || fresh.contains(vm.vmId())
                    || known.readAt().plus(ttl).isBefore(now);
            if (stale) {
                toRead.add(vm);
            }
        }
        List<NodeName> reachable = toRead.isEmpty() ? List.of() : router.reachableNodes();
        for (int from = 0; from < toRead.size(); from += PARALLEL_READS) {
            List<CompletableFuture<Void>> batch = new ArrayList<>();
            for (ClusterVm vm : toRead.subList(from, Math.min(toRead.size(), from + PARALLEL_READS))) {
                batch.add(CompletableFuture.runAsync(() -> read(vm, now, reachable), executor));
            }
            batch.forEach(CompletableFuture::join);
        }
        cache.keySet().retainAll(present);
        cache.forEach((id, known) -> known.addresses()
                .forEach(ip -> out.computeIfAbsent(ip, k -> new HashSet<>()).add(id)));
        return out;
    }

    private static boolean agentEnabled(VmConfig config) {
        return config.get("agent").map(a -> a.equals("1") || a.contains("enabled=1")).orElse(false);
    }

    private void read(ClusterVm vm, Instant now, java.util.List<NodeName> reachable) {
        if (!reachable.contains(vm.node())) {
            LOG.debug("VM {} lives on {}, a node pveq cannot reach; its ipconfig is not known", vm.vmId(), vm.node());
            return;
        }
        try {
            VmConfig config = router.ops().config(vm.node(), vm.vmId());
            Set<Ipv4Address> addresses = new HashSet<>(addressesOf(config));
            if (vm.running() && router.ops().agentSupported() && agentEnabled(config)) {
                // what the guest itself reports: an address it took by DHCP or by hand is in use too
                addresses.addAll(router.ops().agentAddresses(vm.node(), vm.vmId()));
            }
            cache.put(vm.vmId(), new Known(vm.node(), Set.copyOf(addresses), now));
        } catch (io.pveq.core.VmNotFoundException e) {
            // the VM moved or vanished between the list and the read: the next allocation sees it again
            LOG.debug("VM {} is no longer on {}: {}", vm.vmId(), vm.node(), e.getMessage());
            cache.remove(vm.vmId());
        } catch (PveqException e) {
            // the node cannot answer now: its VMs keep the addresses last read, else they would look free
            LOG.debug("cannot read the config of VM {} on {}; keeping its last known addresses: {}", vm.vmId(),
                    vm.node(), e.getMessage());
        }
    }

    /** @return the static IPv4 addresses of every {@code ipconfigN} line */
    static Set<Ipv4Address> addressesOf(VmConfig config) {
        Set<Ipv4Address> found = new HashSet<>();
        config.entries().forEach((key, value) -> {
            if (IPCONFIG.matcher(key).matches()) {
                parseIp(value).ifPresent(found::add);
            }
        });
        return Set.copyOf(found);
    }

    private static Optional<Ipv4Address> parseIp(String ipconfig) {
        try {
            Optional<String> ip = PropertyString.parse(ipconfig, "ip").get("ip");
            if (ip.isEmpty() || ip.get().equals("dhcp")) {
                return Optional.empty();
            }
            String address = ip.get();
            int slash = address.indexOf('/');
            return Optional.of(Ipv4Address.parse("ipconfig", slash < 0 ? address : address.substring(0, slash)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Forgets what is known about one VM (it was just created or destroyed by this process). */
    void forget(VmId vmId) {
        cache.remove(vmId);
    }
}
