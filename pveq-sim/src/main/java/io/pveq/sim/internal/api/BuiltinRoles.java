package io.pveq.sim.internal.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The privileges and built-in roles of Proxmox VE 8 and 9 (pve-access-control: privileges fall in
 * per-category groups root/admin/user/audit, from which {@code PVE<Cat>Admin}, {@code PVE<Cat>User},
 * {@code PVEAdmin}, {@code PVEAuditor} are derived; plus {@code Administrator}, {@code NoAccess} and
 * {@code PVETemplateUser}). PVE 9 replaced {@code VM.Monitor} with the {@code VM.GuestAgent.*}
 * privileges and added {@code VM.Replicate}.
 */
final class BuiltinRoles {

    private record Group(String category, List<String> root, List<String> admin, List<String> user, List<String> audit) {
    }

    private BuiltinRoles() {
    }

    private static List<Group> groups(int major) {
        List<String> vmAdmin = new ArrayList<>(List.of("VM.Config.Disk", "VM.Config.CPU", "VM.Config.Memory",
                "VM.Config.Network", "VM.Config.HWType", "VM.Config.Options", "VM.Allocate", "VM.Clone"));
        List<String> vmUser = new ArrayList<>(List.of("VM.Config.CDROM", "VM.Config.Cloudinit", "VM.Console",
                "VM.Backup"));
        List<String> vmAudit = new ArrayList<>(List.of("VM.Audit"));
        if (major >= 9) {
            vmAdmin.addAll(List.of("VM.GuestAgent.Unrestricted", "VM.Migrate", "VM.Replicate", "VM.Snapshot",
                    "VM.Snapshot.Rollback"));
            vmUser.addAll(List.of("VM.GuestAgent.FileRead", "VM.GuestAgent.FileSystemMgmt", "VM.GuestAgent.FileWrite",
                    "VM.PowerMgmt"));
            vmAudit.add("VM.GuestAgent.Audit");
        } else {
            vmAdmin.addAll(List.of("VM.Migrate", "VM.Monitor", "VM.Snapshot", "VM.Snapshot.Rollback"));
            vmUser.add("VM.PowerMgmt");
        }
        return List.of(
                new Group("VM", List.of(), vmAdmin, vmUser, vmAudit),
                new Group("Sys", List.of("Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming", "Sys.AccessNetwork"),
                        List.of("Sys.Console", "Sys.Syslog"), List.of(), List.of("Sys.Audit")),
                new Group("Datastore", List.of(), List.of("Datastore.Allocate", "Datastore.AllocateTemplate"),
                        List.of("Datastore.AllocateSpace"), List.of("Datastore.Audit")),
                new Group("SDN", List.of(), List.of("SDN.Allocate", "SDN.Audit"), List.of("SDN.Use"),
                        List.of("SDN.Audit")),
                new Group("User", List.of("Realm.Allocate"), List.of("User.Modify", "Group.Allocate",
                        "Realm.AllocateUser"), List.of(), List.of()),
                new Group("Pool", List.of(), List.of("Pool.Allocate"), List.of("Pool.Audit"), List.of("Pool.Audit")),
                new Group("Mapping", List.of(), List.of("Mapping.Modify"), List.of("Mapping.Use"),
                        List.of("Mapping.Audit")));
    }

    /** @return every valid privilege of the release */
    static Set<String> privileges(int major) {
        Set<String> all = new TreeSet<>(Set.of("Permissions.Modify"));
        for (Group group : groups(major)) {
            all.addAll(group.root());
            all.addAll(group.admin());
            all.addAll(group.user());
            all.addAll(group.audit());
        }
        return Set.copyOf(all);
    }

    /** @return the built-in roles of the release: name to privileges */
    static Map<String, Set<String>> roles(int major) {
        Map<String, Set<String>> roles = new TreeMap<>();
        roles.put("NoAccess", Set.of());
        roles.put("Administrator", privileges(major));
        Set<String> pveAdmin = new TreeSet<>();
        Set<String> auditor = new TreeSet<>();
        for (Group group : groups(major)) {
            Set<String> admin = new TreeSet<>(group.admin());
            admin.addAll(group.user());
            admin.addAll(group.audit());
            roles.put("PVE" + group.category() + "Admin", Set.copyOf(admin));
            pveAdmin.addAll(admin);
            if (!group.user().isEmpty()) {
                Set<String> user = new TreeSet<>(group.user());
                user.addAll(group.audit());
                roles.put("PVE" + group.category() + "User", Set.copyOf(user));
            }
            auditor.addAll(group.audit());
        }
        pveAdmin.remove("Mapping.Modify");
        roles.put("PVEAdmin", Set.copyOf(pveAdmin));
        roles.put("PVEAuditor", Set.copyOf(auditor));
        roles.put("PVETemplateUser", Set.of("VM.Clone", "VM.Audit"));
        return Map.copyOf(roles);
    }
}
