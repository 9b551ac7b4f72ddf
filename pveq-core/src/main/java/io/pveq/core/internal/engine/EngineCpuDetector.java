package io.pveq.core.internal.engine;

import io.pveq.core.ClusterUnavailableException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CpuArchDetector}: a node's level from its {@code cpuinfo.flags}
 * ({@link CpuLevel#fromFlags}), the cluster's as the lowest over ALL cluster nodes, offline ones
 * included, since any node may host the VM later (a VM whose CPU type a node lacks cannot start or
 * migrate there). Online nodes are read; an offline node counts with the last level read from it (kept
 * for the process lifetime, {@link #invalidate} included); an offline node never read counts as the
 * lowest level known of any node, with a warning in the log: its real level may be lower still, which
 * only a configured CPU type can settle. Levels are cached for the TTL; the cluster level is computed
 * again at once when the node set or their online state changes (one cheap {@code /cluster/resources}
 * read per call tells). Always yields one of {@link CpuLevel}'s models. Thread-safe.
 */
public final class EngineCpuDetector implements CpuArchDetector {

    private static final Logger LOG = LoggerFactory.getLogger(EngineCpuDetector.class);

    private record Cached(CpuLevel level, Instant until) {
    }

    private record ClusterCached(CpuLevel level, List<NodeState> nodes, Instant until) {
    }

    private final ClusterRouter router;
    private final Optional<CpuLevel> override;
    private final Clock clock;
    private final Duration ttl;
    private final Map<NodeName, Cached> nodes = new ConcurrentHashMap<>();
    /** The last level read from each node; never expires (an offline node cannot be read again). */
    private final Map<NodeName, CpuLevel> lastKnown = new ConcurrentHashMap<>();
    private volatile ClusterCached cluster;

    /**
     * @param router   reads node status and the online nodes
     * @param override a configured model that replaces detection ({@code CPU_TYPE})
     * @param clock    time for the cache
     * @param ttl      how long a detected level is reused
     */
    EngineCpuDetector(ClusterRouter router, Optional<CpuLevel> override, Clock clock, Duration ttl) {
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
        lastKnown.put(node, level);
        return level;
    }

    private CpuLevel read(NodeName node) {
        try {
            return CpuLevel.fromFlags(router.ops().nodeStatus(node).cpuFlags());
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
        List<NodeState> all = router.clusterNodes().stream()
                .map(n -> new NodeState(n.node(), n.online())).sorted(java.util.Comparator.comparing(NodeState::node))
                .toList();
        Instant now = clock.instant();
        ClusterCached cached = cluster;
        if (cached != null && cached.nodes().equals(all) && cached.until().isAfter(now)) {
            return cached.level();
        }
        if (all.stream().noneMatch(NodeState::online)) {
            throw new ClusterUnavailableException("no cluster node is online");
        }
        if (cached != null && !cached.nodes().equals(all)) {
            nodes.clear(); // the set changed: a node may have been replaced under the same name
        }
        List<CpuLevel> levels = new ArrayList<>();
        List<NodeName> neverRead = new ArrayList<>();
        for (NodeState node : all) {
            if (!node.online()) {
                Optional.ofNullable(lastKnown.get(node.node())).ifPresentOrElse(levels::add,
                        () -> neverRead.add(node.node()));
                continue;
            }
            Cached n = nodes.get(node.node());
            CpuLevel level = n != null && n.until().isAfter(now) ? n.level() : read(node.node());
            nodes.put(node.node(), new Cached(level, now.plus(ttl)));
            lastKnown.put(node.node(), level);
            levels.add(level);
        }
        CpuLevel lowest = CpuLevel.lowest(neverRead.isEmpty() ? levels : concat(levels, lastKnown.values()));
        if (!neverRead.isEmpty()) {
            LOG.warn("offline node(s) {} were never read; assuming the lowest CPU level known of any node, {}. If they"
                    + " are older, configure the CPU type explicitly", neverRead, lowest.model());
        }
        cluster = new ClusterCached(lowest, all, now.plus(ttl));
        return lowest;
    }

    private static List<CpuLevel> concat(List<CpuLevel> a, java.util.Collection<CpuLevel> b) {
        List<CpuLevel> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A node and whether it is online, as the cache key of the cluster level. */
    private record NodeState(NodeName node, boolean online) {
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
