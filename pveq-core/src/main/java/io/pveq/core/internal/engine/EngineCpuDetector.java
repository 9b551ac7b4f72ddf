package io.pveq.core.internal.engine;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.CpuArchDetector;
import io.pveq.core.CpuLevel;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.PveqException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link CpuArchDetector}: a node's level from its {@code cpuinfo.flags}
 * ({@link CpuLevel#fromFlags}), the cluster's as the lowest over the online nodes. Levels are cached
 * for the TTL; the cluster level is computed again at once when the set of online nodes differs from
 * the one it was computed for (one cheap {@code /cluster/resources} read per call tells). Always
 * yields one of {@link CpuLevel}'s models, all of which Proxmox accepts. Thread-safe.
 */
public final class EngineCpuDetector implements CpuArchDetector {

    private record Cached(CpuLevel level, Instant until) {
    }

    private record ClusterCached(CpuLevel level, List<NodeName> nodes, Instant until) {
    }

    private final EngineNodeRouter router;
    private final Optional<CpuLevel> override;
    private final Clock clock;
    private final Duration ttl;
    private final Map<NodeName, Cached> nodes = new ConcurrentHashMap<>();
    private volatile ClusterCached cluster;

    /**
     * @param router   reads node status and the online nodes
     * @param override a configured model that replaces detection ({@code CPU_TYPE})
     * @param clock    time for the cache
     * @param ttl      how long a detected level is reused
     */
    public EngineCpuDetector(EngineNodeRouter router, Optional<CpuLevel> override, Clock clock, Duration ttl) {
        this.router = Objects.requireNonNull(router, "router");
        this.override = Objects.requireNonNull(override, "override");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    @Override
    public CpuLevel nodeLevel(NodeName node) {
        Instant now = clock.instant();
        Cached cached = nodes.get(node);
        if (cached != null && cached.until().isAfter(now)) {
            return cached.level();
        }
        if (!router.onlineNodes().contains(node)) {
            throw new NodeUnavailableException(node.value(), "node " + node + " is not online in the cluster");
        }
        CpuLevel level = read(node);
        nodes.put(node, new Cached(level, now.plus(ttl)));
        return level;
    }

    private CpuLevel read(NodeName node) {
        try {
            return CpuLevel.fromFlags(router.main().nodeStatus(node).cpuFlags());
        } catch (NodeUnavailableException e) {
            throw e;
        } catch (PveqException e) {
            throw new ClusterUnavailableException("cannot read the CPU flags of node " + node + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public CpuLevel clusterLevel() {
        if (override.isPresent()) {
            return override.get();
        }
        List<NodeName> online = router.onlineNodes();
        Instant now = clock.instant();
        ClusterCached cached = cluster;
        if (cached != null && cached.nodes().equals(online) && cached.until().isAfter(now)) {
            return cached.level();
        }
        if (online.isEmpty()) {
            throw new ClusterUnavailableException("no cluster node is online");
        }
        if (cached != null && !cached.nodes().equals(online)) {
            nodes.clear(); // the set changed: a node may have been replaced under the same name
        }
        List<CpuLevel> levels = new ArrayList<>();
        for (NodeName node : online) {
            Cached n = nodes.get(node);
            CpuLevel level = n != null && n.until().isAfter(now) ? n.level() : read(node);
            nodes.put(node, new Cached(level, now.plus(ttl)));
            levels.add(level);
        }
        CpuLevel lowest = CpuLevel.lowest(levels);
        cluster = new ClusterCached(lowest, online, now.plus(ttl));
        return lowest;
    }

    @Override
    public Optional<CpuLevel> override() {
        return override;
    }

    @Override
    public void invalidate() {
        nodes.clear();
        cluster = null;
    }
}
