package io.pveq.sim.internal;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.sim.SimGuest;
import io.pveq.sim.internal.state.ClusterState;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.VmState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Public snapshots of internal state. */
public final class Snapshots {

    private Snapshots() {
    }

    public static SortedMap<String, String> config(VmState vm) {
        TreeMap<String, String> config = new TreeMap<>(vm.config);
        if (config.containsKey("cipassword")) {
            config.put("cipassword", VmSettings.HIDDEN);
        }
        return java.util.Collections.unmodifiableSortedMap(config);
    }

    public static SimGuest guest(ClusterState state, VmState vm) {
        List<String> keys = new ArrayList<>();
        String encoded = vm.config.get("sshkeys");
        if (encoded != null) {
            for (String line : VmSettings.uriUnescape(encoded).split("\n")) {
                if (!line.isBlank()) {
                    keys.add(line.strip());
                }
            }
        }
        SimGuest.CloudInit cloudInit = new SimGuest.CloudInit(
                Optional.ofNullable(vm.config.get("ciuser")),
                Optional.ofNullable(vm.secrets.get("cipassword")),
                keys,
                Optional.ofNullable(vm.config.get("ipconfig0")),
                Optional.ofNullable(vm.config.get("nameserver")),
                Optional.ofNullable(vm.config.get("searchdomain")),
                CloudInit.userData(vm), CloudInit.networkData(vm, CloudInit.nodeDns(state, vm)));
        List<SimGuest.ScriptRun> runs = new ArrayList<>();
        for (VmState.ScriptRecord record : vm.guest.scripts) {
            runs.add(new SimGuest.ScriptRun(record.name, record.content, record.arguments, record.environment,
                    record.secretOnStdin, record.user, record.exitCode));
        }
        return new SimGuest(VmId.of(vm.vmid), NodeName.of(vm.node), vm.running(), CloudInit.address(vm), cloudInit,
                runs, vm.guest.boots, vm.guest.guestReboots);
    }

    /** @return true when something answers at {@code address} in the simulated network */
    public static boolean addressInUse(ClusterState state, String address) {
        if (state.occupiedAddresses.contains(address)) {
            return true;
        }
        for (NodeState node : state.nodes) {
            if (node.online && node.address.equals(address)) {
                return true;
            }
        }
        for (VmState vm : state.vms.values()) {
            if (vm.running() && CloudInit.address(vm).map(address::equals).orElse(false)) {
                return true;
            }
        }
        return false;
    }
}
