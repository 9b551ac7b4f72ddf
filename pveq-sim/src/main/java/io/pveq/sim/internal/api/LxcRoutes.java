package io.pveq.sim.internal.api;

import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.QmQuery;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The containers a simulated cluster is seeded with ({@code SimulatedCluster.Builder#container}): list,
 * status, start/stop/shutdown, config and interfaces. Only these are simulated for LXC; there is no
 * {@code pct} face. A seeded container has a plain Debian config: 512 MiB, one core, an 8 GiB root
 * volume and a DHCP NIC. {@link LxcLifecycleRoutes} adds the rest of a container's life (reboot, suspend,
 * config changes, destroy, snapshots); the interfaces answer each {@code net[n]}'s static address.
 */
final class LxcRoutes {

    private static final String CT = "/nodes/{node}/lxc/{vmid}";

    private LxcRoutes() {
    }

    static void register(ApiRoutes routes) {
        routes.get("/nodes/{node}/lxc").handle(call -> call.read(state -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> entry : call.data().guests(state, call.node(), "lxc")) {
                if (call.context().access().has(state.access, call.authid(), "/vms/" + entry.get("vmid"),
                        List.of("VM.Audit"), false)) {
                    entry.put("type", "lxc");
                    entry.put("maxswap", 512L << 20);
                    entry.put("swap", 0);
                    entry.put("status", entry.get("status"));
                    out.add(entry);
                }
            }
            return out;
        }));
        routes.get(CT + "/status/current").handle(call -> call.read(state -> {
            VmState ct = container(state, call);
            Map<String, Object> out = new TreeMap<>();
            out.put("vmid", ct.vmid);
            out.put("name", ct.config.getOrDefault("hostname", "CT" + ct.vmid));
            out.put("status", ct.running() ? "running" : "stopped");
            out.put("type", "lxc");
            Map<String, String> config = config(ct);
            long maxmem = Long.parseLong(config.get("memory")) << 20;
            out.put("cpus", Integer.parseInt(config.get("cores")));
            out.put("cpu", ct.running() ? 0.01 : 0);
            out.put("maxmem", maxmem);
            out.put("mem", ct.running() ? maxmem / 8 : 0);
            out.put("maxswap", Long.parseLong(config.get("swap")) << 20);
            out.put("swap", 0);
            out.put("maxdisk", 8L << 30);
            out.put("disk", ct.running() ? 1L << 30 : 0);
            out.put("uptime", ct.running() ? Math.max(0, (call.engine().time().nowMillis() - ct.startedAtMillis) / 1000) : 0);
            out.put("netin", 0);
            out.put("netout", 0);
            out.put("diskread", 0);
            out.put("diskwrite", 0);
            out.put("ha", Map.of("managed", 0));
            if (ct.running()) {
                out.put("pid", ct.pid);
            }
            if (ct.config.containsKey("lock")) {
                out.put("lock", ct.config.get("lock"));
            }
            return out;
        }));
        power(routes, "start", "vzstart", true, Duration.ofSeconds(2));
        power(routes, "stop", "vzstop", false, Duration.ofSeconds(1));
        power(routes, "shutdown", "vzshutdown", false, Duration.ofSeconds(3));
        routes.get(CT + "/config")
                .rule("current", Rule.bool())
                .rule("snapshot", ApiRules.CONFIG_ID)
                .handle(call -> call.read(state -> {
                    VmState ct = container(state, call);
                    Map<String, Object> out = new TreeMap<>(config(ct));
                    out.put("cores", Integer.parseInt(config(ct).get("cores")));
                    out.put("memory", Integer.parseInt(config(ct).get("memory")));
                    out.put("swap", Integer.parseInt(config(ct).get("swap")));
                    out.put("digest", QmQuery.digestOf(ct.config.toString()));
                    return out;
                }));
        routes.get(CT + "/interfaces").handle(call -> call.read(state -> {
            VmState ct = container(state, call);
            if (!ct.running()) {
                throw new Failure("CT " + ct.vmid + " not running");
            }
            List<Map<String, Object>> out = new ArrayList<>();
            out.add(nic("lo", "00:00:00:00:00:00", "127.0.0.1", 8, "::1", 128));
            for (Map.Entry<String, String> entry : config(ct).entrySet()) {
                if (!entry.getKey().matches("net\\d+")) {
                    continue;
                }
                Map<String, String> nic = ConfigChecks.parts(entry.getValue());
                String mac = nic.getOrDefault("hwaddr", mac(ct)).toLowerCase(Locale.ROOT);
                String ip = nic.getOrDefault("ip", "");
                boolean fixed = ip.contains("/");
                out.add(nic(nic.getOrDefault("name", "eth" + entry.getKey().substring(3)), mac,
                        fixed ? ip.substring(0, ip.indexOf('/')) : null,
                        fixed ? Integer.parseInt(ip.substring(ip.indexOf('/') + 1)) : 0, GuestRoutes.linkLocal(mac), 64));
            }
            return out;
        }));
    }

    private static Map<String, Object> nic(String name, String mac, String ipv4, int prefix4, String ipv6, int prefix6) {
        Map<String, Object> nic = new TreeMap<>();
        nic.put("name", name);
        nic.put("hwaddr", mac);
        nic.put("hardware-address", mac);
        List<Object> addresses = new ArrayList<>();
        if (ipv4 != null) {
            nic.put("inet", ipv4 + "/" + prefix4);
            addresses.add(new TreeMap<>(Map.of("ip-address", ipv4, "ip-address-type", "inet", "prefix", prefix4)));
        }
        nic.put("inet6", ipv6 + "/" + prefix6);
        addresses.add(new TreeMap<>(Map.of("ip-address", ipv6, "ip-address-type", "inet6", "prefix", prefix6)));
        nic.put("ip-addresses", addresses);
        return nic;
    }

    private static void power(ApiRoutes routes, String action, String type, boolean start, Duration nominal) {
        ApiRoutes.Route route = routes.post(CT + "/status/" + action);
        if (action.equals("shutdown")) {
            route.rule("timeout", Rule.integer(0L, null)).rule("forceStop", Rule.bool());
        } else {
            route.rule("skiplock", Rule.bool());
        }
        route.task().handle(call -> {
            ConfigChecks.rootOnlyParameters(call, "skiplock");
            call.read(state -> {
                VmState ct = container(state, call);
                if (start && ct.running()) {
                    throw new Failure("CT " + ct.vmid + " already running");
                }
                if (!start && !ct.running() && action.equals("shutdown")) {
                    throw new Failure("CT " + ct.vmid + " not running");
                }
                return null;
            });
            boolean skiplock = call.flag("skiplock");
            return call.task(type, call.param("vmid"), exec -> {
                call.engine().store().read(state -> {
                    Engine.checkConfigLock(container(state, call), skiplock);
                    return null;
                });
                exec.pause(nominal);
                call.engine().store().write(state -> {
                    VmState ct = container(state, call);
                    ct.status = start ? "running" : "stopped";
                    ct.pid = start ? (int) (state.nextSequence() % 4_000_000) + 1000 : 0;
                    ct.startedAtMillis = start ? call.engine().time().nowMillis() : 0;
                    ct.bootedAtMillis = ct.startedAtMillis;
                    return null;
                });
            });
        });
    }

    static VmState container(ClusterState state, ApiCall call) {
        VmState ct = state.vms.get(call.vmid());
        if (ct == null || !ct.node.equals(call.node()) || !"lxc".equals(ct.type)) {
            throw new Failure("Configuration file 'nodes/" + call.node() + "/lxc/" + call.vmid() + ".conf' does not exist");
        }
        return ct;
    }

    /** The container's config with the defaults of a seeded container filled in. */
    static Map<String, String> config(VmState ct) {
        Map<String, String> config = new TreeMap<>();
        config.put("arch", "amd64");
        config.put("cores", "1");
        config.put("memory", "512");
        config.put("swap", "512");
        config.put("ostype", "debian");
        config.put("rootfs", "local-lvm:vm-" + ct.vmid + "-disk-0,size=8G");
        config.put("net0", "name=eth0,bridge=vmbr0,hwaddr=" + mac(ct) + ",ip=dhcp,type=veth");
        config.putAll(ct.config);
        config.remove("name");
        config.putIfAbsent("hostname", "CT" + ct.vmid);
        return config;
    }

    static String mac(VmState ct) {
        return String.format(Locale.ROOT, "BC:24:11:%02X:%02X:%02X", (ct.vmid >> 16) & 0xff, (ct.vmid >> 8) & 0xff,
                ct.vmid & 0xff);
    }
}
