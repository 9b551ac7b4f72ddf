package io.pveq.core.internal.engine;

import io.pveq.core.AccessDeniedException;
import io.pveq.core.ImagePlacement;
import io.pveq.core.NodeName;
import io.pveq.core.StorageInfo;
import io.pveq.core.VmId;
import io.pveq.core.internal.cluster.ProxmoxOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the connection's identity may do, against what pveq needs, and whether the storages the settings
 * name are fit: at start-up ({@link #missing()}, every problem in words an operator can act on) and before
 * each install creates anything ({@link #requireForInstall}). The privileges follow the {@code permissions}
 * of each endpoint in {@code apidata.js} of PVE 8.4 and 9.1 (the guest agent wants {@code VM.Monitor} on 8,
 * {@code VM.GuestAgent.*} on 9). Through commands (root) only the storages are checked. Thread-safe.
 */
final class AccessCheck {

    private static final Logger LOG = LoggerFactory.getLogger(AccessCheck.class);

    /** The VM privileges an install and the lifecycle calls use, besides the guest agent's. */
    static final List<String> VM_PRIVILEGES = List.of("VM.Allocate", "VM.Audit", "VM.PowerMgmt", "VM.Config.Disk",
            "VM.Config.CPU", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Options", "VM.Config.HWType",
            "VM.Config.Cloudinit");

    private final EngineContext ctx;

    AccessCheck(EngineContext ctx) {
        this.ctx = ctx;
    }

    private ProxmoxOps ops() {
        return ctx.ops();
    }

    /** @return the privileges pveq needs, by ACL path, for installs on {@code node} (and, with {@code lifecycle}, migrations) */
    Map<String, List<String>> needs(NodeName node, String vmPath, Optional<String> importStorage, boolean lifecycle) {
        Map<String, List<String>> needs = new LinkedHashMap<>();
        List<String> vm = new ArrayList<>(VM_PRIVILEGES);
        if (lifecycle) {
            vm.add("VM.Migrate");
        }
        if (ctx.guests().mechanism().equals("agent")) {
            vm.addAll(agentPrivileges());
        }
        needs.put(vmPath, vm);
        add(needs, "/storage/" + ctx.settings().storage(), "Datastore.AllocateSpace");
        importStorage.ifPresent(s -> {
            add(needs, "/storage/" + s, "Datastore.AllocateTemplate");
            add(needs, "/storage/" + s, "Datastore.Audit");
        });
        add(needs, "/nodes/" + node, "Sys.Audit");
        if (ops().canDownload() && ctx.settings().imagePlacement() == ImagePlacement.DOWNLOAD_URL) {
            add(needs, "/nodes/" + node, "Sys.AccessNetwork");
        }
        add(needs, "/sdn/zones/localnetwork/" + ctx.settings().network().bridge(), "SDN.Use");
        return needs;
    }

    private List<String> agentPrivileges() {
        return ops().pveMajor().orElse(9) >= 9 ? List.of("VM.GuestAgent.Audit", "VM.GuestAgent.Unrestricted")
                : List.of("VM.Monitor");
    }

    private static void add(Map<String, List<String>> needs, String path, String privilege) {
        needs.computeIfAbsent(path, p -> new ArrayList<>()).add(privilege);
    }

    /** @return one line per privilege missing, e.g. {@code token pveq@pve!prov lacks VM.Allocate on /vms} */
    List<String> lacking(Map<String, List<String>> needs) {
        List<String> out = new ArrayList<>();
        String who = who();
        for (Map.Entry<String, List<String>> need : needs.entrySet()) {
            Optional<Set<String>> held = ops().privileges(need.getKey());
            if (held.isEmpty()) {
                continue; // not restricted
            }
            for (String privilege : need.getValue()) {
                if (!held.get().contains(privilege)) {
                    out.add(who + " lacks " + privilege + " on " + need.getKey());
                }
            }
        }
        return out;
    }

    private String who() {
        String id = ops().identity();
        return (id.contains("!") ? "token " : "user ") + id;
    }

    /**
     * The start-up check: privileges for installs and lifecycle calls on every online node, the VM disk
     * storage (exists, enabled, active, holds {@code images}) and, over the API, the image storage (holds
     * {@code import}).
     *
     * @return every problem found, in words; empty when all is well
     */
    List<String> missing() {
        List<String> out = new ArrayList<>();
        List<NodeName> nodes = ctx.router().onlineNodes();
        boolean api = ops().dialect() == ProxmoxOps.Dialect.API;
        for (NodeName node : nodes) {
            List<StorageInfo> storages;
            try {
                storages = ops().storages(node);
            } catch (RuntimeException e) {
                out.add("cannot read the storages of node " + node + ": " + e.getMessage());
                continue;
            }
            String storage = ctx.settings().storage();
            Optional<StorageInfo> disks = storages.stream().filter(s -> s.storage().equals(storage)).findFirst();
            if (disks.isEmpty()) {
                out.add("storage " + storage + " does not exist on node " + node + (api ? " (or " + who() + " lacks"
                        + " Datastore.Audit on /storage/" + storage + ")" : ""));
            } else if (!disks.get().enabled() || !disks.get().active()) {
                out.add("storage " + storage + " is " + (disks.get().enabled() ? "not active" : "disabled") + " on node "
                        + node);
            } else if (!disks.get().content().contains("images")) {
                out.add("storage " + storage + " on node " + node + " does not hold VM disks (content "
                        + String.join(",", disks.get().content()) + "; add images)");
            }
            Optional<String> imports = Optional.empty();
            if (api) {
                String wanted = ctx.settings().imageStorage().orElse("local");
                Optional<StorageInfo> imageStorage = ctx.settings().imageStorage().isPresent()
                        ? storages.stream().filter(s -> s.storage().equals(wanted)).findFirst()
                        : storages.stream().filter(s -> s.content().contains("import")).findFirst()
                                .or(() -> storages.stream().filter(s -> s.storage().equals("local")).findFirst());
                if (imageStorage.isEmpty()) {
                    out.add("storage " + wanted + " does not exist on node " + node + ", and no other storage there holds"
                            + " import content (where OS images go before they are imported)");
                } else if (!imageStorage.get().content().contains("import")) {
                    out.add("storage " + imageStorage.get().storage() + " has no import content: add it with pvesm set "
                            + imageStorage.get().storage() + " --content "
                            + ImagePlacer.contentWithImport(storages, imageStorage.get().storage())
                            + " (or PUT /storage/" + imageStorage.get().storage() + " with that content)");
                    imports = Optional.of(imageStorage.get().storage());
                } else {
                    imports = Optional.of(imageStorage.get().storage());
                }
            }
            out.addAll(lacking(needs(node, "/vms", imports, true)));
        }
        List<String> distinct = out.stream().distinct().toList();
        distinct.forEach(line -> LOG.warn("start-up check: {}", line));
        return distinct;
    }

    /**
     * Before an install creates anything: the identity must hold every privilege the install will use on
     * {@code node} for VM {@code vmId}.
     *
     * @throws AccessDeniedException naming each missing privilege and path
     */
    void requireForInstall(NodeName node, VmId vmId, Optional<String> importStorage) {
        if (ops().dialect() != ProxmoxOps.Dialect.API) {
            return;
        }
        List<String> lacking = lacking(needs(node, "/vms/" + vmId, importStorage, false));
        if (!lacking.isEmpty()) {
            throw new AccessDeniedException(lacking);
        }
    }
}
