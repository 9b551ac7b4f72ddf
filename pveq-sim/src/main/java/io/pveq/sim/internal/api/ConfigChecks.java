package io.pveq.sim.internal.api;

import io.pveq.sim.internal.params.Formats;
import io.pveq.sim.internal.params.Rule;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks qemu-server makes inside its create and update handlers, beyond the endpoint's
 * permission: a privilege per config option ({@code cores} needs VM.Config.CPU, {@code net0}
 * VM.Config.Network and SDN.Use on its bridge, ...), storage access for every disk and import source
 * (an absolute path only for {@code root@pam}: {@code Only root can pass arbitrary filesystem
 * paths.}), serial ports other than {@code socket} and options such as {@code args} for
 * {@code root@pam} only, and the {@code import-from} syntax.
 */
final class ConfigChecks {

    private static final Set<String> CPU = Set.of("cores", "cpu", "cpulimit", "cpuunits", "numa", "smp", "sockets",
            "vcpus", "affinity");
    private static final Set<String> MEMORY = Set.of("memory", "balloon", "shares", "allow-ksm");
    private static final Set<String> HWTYPE = Set.of("acpi", "hotplug", "kvm", "machine", "scsihw", "smbios1", "tablet",
            "vga", "watchdog", "audio0", "rng0");
    private static final Set<String> GENERAL = Set.of("agent", "autostart", "bios", "description", "keyboard",
            "localtime", "migrate_downtime", "migrate_speed", "name", "onboot", "ostype", "protection", "reboot",
            "startdate", "startup", "tdf", "template");
    private static final Set<String> DISK_OPTIONS = Set.of("boot", "bootdisk", "vmstatestorage");
    private static final Set<String> CLOUDINIT = Set.of("cicustom", "cipassword", "citype", "ciuser", "ciupgrade",
            "nameserver", "searchdomain", "sshkeys");
    static final Pattern DISK = Pattern.compile("(scsi|virtio|sata|ide)\\d+|efidisk0|tpmstate0");
    private static final Pattern NEW_DISK = Pattern.compile("([a-z][a-z0-9\\-_.]*[a-z0-9]):(\\d+(\\.\\d+)?)");
    private static final Pattern VOLUME = Pattern.compile("([a-z][a-z0-9\\-_.]*[a-z0-9]):(.+)");
    private static final Pattern OWNED = Pattern.compile("(?:\\d+/)?(?:vm|base)-(\\d+)-.*");

    /** Options only {@code root@pam} may set (API.md), with their rules. */
    static final Map<String, Rule> ROOT_ONLY = Map.of(
            "args", Rule.string(0),
            "arch", Rule.oneOf("x86_64", "aarch64"),
            "hookscript", Formats.volumeOrAbsolutePath(),
            "hugepages", Rule.oneOf("any", "2", "1024"));

    private ConfigChecks() {
    }

    /** check_vm_modify_config_perm plus the root-only options; {@code keys} are set or deleted options. */
    static void optionPrivileges(ApiCall call, Collection<String> keys) {
        if (call.root()) {
            return;
        }
        String vm = "/vms/" + call.param("vmid");
        for (String key : keys) {
            if (DISK.matcher(key).matches() || key.matches("unused\\d+") || key.equals("tags")) {
                continue;
            }
            if (key.matches("serial\\d+")) {
                String value = call.params().get(key);
                if (value != null && !value.equals("socket")) {
                    throw ApiException.failure("only root can set '" + key + "' config for real devices");
                }
                call.check(vm, "VM.Config.HWType");
            } else if (CPU.contains(key) || key.matches("numa\\d+")) {
                call.check(vm, "VM.Config.CPU");
            } else if (MEMORY.contains(key)) {
                call.check(vm, "VM.Config.Memory");
            } else if (HWTYPE.contains(key)) {
                call.check(vm, "VM.Config.HWType");
            } else if (GENERAL.contains(key)) {
                call.check(vm, "VM.Config.Options");
                if (key.equals("startup")) {
                    call.check("/", "Sys.Modify");
                }
            } else if (DISK_OPTIONS.contains(key)) {
                call.check(vm, "VM.Config.Disk");
            } else if (key.matches("net\\d+")) {
                call.check(vm, "VM.Config.Network");
            } else if (CLOUDINIT.contains(key) || key.matches("ipconfig\\d+")) {
                call.checkAny(vm, "VM.Config.Cloudinit", "VM.Config.Network");
            } else {
                throw ApiException.failure("only root can set '" + key + "' config");
            }
        }
    }

    /** check_storage_access, check_bridge_access and the import-from syntax, for every disk and NIC given. */
    static void storageAndNetwork(ApiCall call, int vmid) {
        for (Map.Entry<String, String> option : call.params().entrySet()) {
            String key = option.getKey();
            if (key.matches("net\\d+") && !call.root()) {
                parts(option.getValue()).entrySet().stream().filter(e -> e.getKey().equals("bridge")).findFirst()
                        .ifPresent(bridge -> call.checkAny("/sdn/zones/localnetwork/" + bridge.getValue(), "SDN.Use"));
            }
            if (!DISK.matcher(key).matches()) {
                continue;
            }
            Map<String, String> drive = parts(option.getValue());
            String file = drive.getOrDefault("file", "");
            boolean cdrom = "cdrom".equals(drive.get("media")) || file.equals("cdrom") || file.equals("none");
            String importFrom = drive.get("import-from");
            if (importFrom != null && (!NEW_DISK.matcher(file).matches() || !file.endsWith(":0"))) {
                throw ApiException.parameter(key, "'import-from' requires special syntax - use <storage ID>:0,"
                        + "import-from=<source>");
            }
            if (file.equals("none") || file.endsWith(":cloudinit") || file.equals("cloudinit")) {
                // nothing to check
            } else if (cdrom && file.equals("cdrom")) {
                call.check("/", "Sys.Console");
            } else if (!cdrom && NEW_DISK.matcher(file).matches()) {
                if (!call.root()) {
                    call.check("/storage/" + file.substring(0, file.indexOf(':')), "Datastore.AllocateSpace");
                }
            } else {
                volumeAccess(call, vmid, file);
            }
            if (importFrom != null) {
                var owner = volumeOwner(importFrom);
                if (owner.isPresent() && owner.get() != vmid) {
                    if (!call.root()) {
                        call.check("/vms/" + owner.get(), "VM.Clone");
                    }
                } else {
                    volumeAccess(call, vmid, importFrom);
                }
            }
        }
    }

    /** PVE::Storage::check_volume_access. */
    private static void volumeAccess(ApiCall call, int vmid, String volid) {
        if (call.root()) {
            return;
        }
        var volume = VOLUME.matcher(volid);
        if (!volume.matches()) {
            throw ApiException.failure("Only root can pass arbitrary filesystem paths.");
        }
        String storage = volume.group(1);
        String name = volume.group(2);
        if (call.has("/storage/" + storage, "Datastore.Allocate")) {
            return;
        }
        if (name.startsWith("iso/") || name.startsWith("vztmpl/") || name.startsWith("import/")) {
            call.checkAny("/storage/" + storage, "Datastore.AllocateSpace", "Datastore.Audit");
            return;
        }
        Optional<Integer> owner = volumeOwner(volid);
        if (owner.isPresent() && owner.get() == vmid) {
            return;
        }
        if (owner.isPresent()) {
            call.check("/storage/" + storage, "Datastore.Audit");
            call.check("/vms/" + owner.get(), "VM.Config.Disk");
            return;
        }
        throw ApiException.failure("missing privileges to access " + volid);
    }

    private static Optional<Integer> volumeOwner(String volid) {
        var volume = VOLUME.matcher(volid);
        if (!volume.matches()) {
            return Optional.empty();
        }
        var owned = OWNED.matcher(volume.group(2));
        return owned.matches() ? Optional.of(Integer.parseInt(owned.group(1))) : Optional.empty();
    }

    /** Splits a property string; the key-less part is {@code file}. */
    static Map<String, String> parts(String value) {
        return io.pveq.sim.internal.Drives.parse(value);
    }

    /** 400 for {@code skiplock} (and the given options) from anyone but {@code root@pam}. */
    static void rootOnlyParameters(ApiCall call, String... names) {
        for (String name : names) {
            if (call.flag(name) && !call.root()) {
                throw ApiException.parameter(name, "Only root may use this option.");
            }
        }
    }
}
