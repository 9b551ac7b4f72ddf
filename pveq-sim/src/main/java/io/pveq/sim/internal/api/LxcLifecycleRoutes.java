package io.pveq.sim.internal.api;

import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.QmQuery;
import io.pveq.sim.internal.params.LxcRules;
import io.pveq.sim.internal.params.Rule;
import io.pveq.sim.internal.state.VmState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rest of a container's life beside {@link LxcRoutes}: reboot, suspend and resume, config changes
 * ({@code PUT .../config}: host name, CPU, memory, NICs, ...; with {@code digest}), destroy, its RRD
 * history ({@code rrddata}) and the snapshot endpoints. Texts and checks are pve-container's: {@code CT 101 not running},
 * {@code unable to destroy CT 101 - container is running}, the lock check, the per-option privileges.
 */
final class LxcLifecycleRoutes {

    private static final String CT = "/nodes/{node}/lxc/{vmid}";
    private static final Set<String> CPU = Set.of("cores", "cpulimit");
    private static final Set<String> MEMORY = Set.of("memory", "swap");

    private LxcLifecycleRoutes() {
    }

    static void register(ApiRoutes routes) {
        routes.post(CT + "/status/reboot").rule("timeout", Rule.integer(0L, null)).task().handle(call -> {
            running(call);
            return call.task("vzreboot", call.param("vmid"), exec -> {
                exec.pause(Duration.ofSeconds(3));
                call.engine().store().write(state -> {
                    VmState now = LxcRoutes.container(state, call);
                    now.startedAtMillis = call.engine().time().nowMillis();
                    now.bootedAtMillis = now.startedAtMillis;
                    now.guest.boots++;
                    return null;
                });
            });
        });
        routes.post(CT + "/status/suspend").task().handle(call -> {
            running(call);
            return call.task("vzsuspend", call.param("vmid"), exec -> {
                exec.pause(Duration.ofMillis(500));
                setPaused(call, true);
            });
        });
        routes.post(CT + "/status/resume").task().handle(call -> {
            boolean paused = call.read(state -> LxcRoutes.container(state, call).paused);
            if (!paused) {
                throw new Failure("CT " + call.vmid() + " already running");
            }
            return call.task("vzresume", call.param("vmid"), exec -> {
                exec.pause(Duration.ofMillis(500));
                setPaused(call, false);
            });
        });
        routes.put(CT + "/config").rules(LxcRules.configOptions(routes.context().release().major()))
                .handle(LxcLifecycleRoutes::updateConfig);
        routes.delete(CT)
                .rule("purge", Rule.bool())
                .rule("force", Rule.bool())
                .rule("destroy-unreferenced-disks", Rule.bool())
                .task()
                .handle(LxcLifecycleRoutes::destroy);
        GuestRoutes.rrdRules(routes.get(CT + "/rrddata")).handle(call -> call.read(state -> {
            VmState ct = LxcRoutes.container(state, call);
            Map<String, String> config = LxcRoutes.config(ct);
            return GuestRoutes.rrdPoints(call, ct, Double.parseDouble(config.get("cores")),
                    Long.parseLong(config.get("memory")) << 20, 8L << 30);
        }));
        SnapshotRoutes.registerContainers(routes);
    }

    private static VmState running(ApiCall call) {
        return call.read(state -> {
            VmState ct = LxcRoutes.container(state, call);
            if (!ct.running()) {
                throw new Failure("CT " + ct.vmid + " not running");
            }
            return ct;
        });
    }

    private static void setPaused(ApiCall call, boolean paused) {
        call.engine().store().write(state -> {
            LxcRoutes.container(state, call).paused = paused;
            return null;
        });
    }

    private static Object updateConfig(ApiCall call) {
        List<String> keys = new ArrayList<>(call.params().keySet());
        keys.removeAll(List.of("node", "vmid", "digest", "delete"));
        List<String> deleted = call.optional("delete").map(d -> List.of(d.split("[ ,;]+"))).orElse(List.of());
        if (keys.isEmpty() && deleted.isEmpty()) {
            throw new Failure("no options specified");
        }
        if (!call.root()) {
            String vm = "/vms/" + call.vmid();
            List<String> all = new ArrayList<>(keys);
            all.addAll(deleted);
            for (String key : all) {
                String privilege = CPU.contains(key) ? "VM.Config.CPU" : MEMORY.contains(key) ? "VM.Config.Memory"
                        : key.matches("net\\d+") || key.equals("nameserver") || key.equals("searchdomain")
                        ? "VM.Config.Network" : "VM.Config.Options";
                call.check(vm, privilege);
            }
        }
        for (String key : keys) {
            if (key.matches("net\\d+")) {
                String bridge = ConfigChecks.parts(call.param(key)).get("bridge");
                if (bridge != null && !call.root()) {
                    call.checkAny("/sdn/zones/localnetwork/" + bridge, "SDN.Use");
                }
            }
        }
        call.engine().store().write(state -> {
            VmState ct = LxcRoutes.container(state, call);
            Engine.checkConfigLock(ct, false);
            String digest = call.params().get("digest");
            if (digest != null && !digest.equals(QmQuery.digestOf(ct.config.toString()))) {
                throw new Failure("detected modified configuration - file changed by other user? Try again.");
            }
            Map<String, String> effective = LxcRoutes.config(ct);
            for (String key : deleted) {
                if (key.equals("hostname") || key.equals("rootfs")) {
                    throw ApiException.parameter("delete", "unable to delete required option '" + key + "'");
                }
                effective.remove(key);
                ct.config.remove(key);
            }
            for (String key : keys) {
                String value = call.param(key);
                if (key.matches("net\\d+") && !ConfigChecks.parts(value).containsKey("hwaddr")) {
                    value = value + ",hwaddr=" + LxcRoutes.mac(ct); // pve-container adds a random MAC
                }
                if (key.equals("hostname")) {
                    ct.config.put("name", value);
                }
                ct.config.put(key, value);
            }
            return null;
        });
        return null;
    }

    private static Object destroy(ApiCall call) {
        boolean force = call.flag("force");
        call.read(state -> {
            VmState ct = LxcRoutes.container(state, call);
            if ("1".equals(ct.config.get("protection"))) {
                throw new Failure("can't remove CT " + ct.vmid + " - protection mode enabled");
            }
            Engine.checkConfigLock(ct, false);
            if (!force && ct.running()) {
                throw new Failure("unable to destroy CT " + ct.vmid + " - container is running");
            }
            return null;
        });
        boolean purge = call.flag("purge");
        return call.task("vzdestroy", call.param("vmid"), exec -> {
            boolean wasRunning = call.read(state -> LxcRoutes.container(state, call).running());
            if (wasRunning) {
                exec.err("forced to stop CT " + call.vmid() + " before destroying!");
                exec.pause(Duration.ofSeconds(1));
            }
            String rootfs = call.read(state -> LxcRoutes.config(LxcRoutes.container(state, call)).get("rootfs"));
            exec.pause(Duration.ofMillis(500));
            String volid = ConfigChecks.parts(rootfs).getOrDefault("file", "");
            if (volid.contains(":") && !volid.contains("/")) {
                exec.out("  Logical volume \"" + volid.substring(volid.indexOf(':') + 1) + "\" successfully removed.");
            }
            if (purge) {
                exec.out("purging CT " + call.vmid() + " from related configurations..");
            }
            call.engine().store().write(state -> {
                state.vms.remove(call.vmid());
                return null;
            });
        });
    }
}
