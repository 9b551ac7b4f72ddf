package io.pveq.sim.internal.params;

import static io.pveq.sim.internal.params.Rule.bool;
import static io.pveq.sim.internal.params.Rule.integer;
import static io.pveq.sim.internal.params.Rule.oneOf;
import static io.pveq.sim.internal.params.Rule.string;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator's parameter rules for the VM options pveq uses with {@code qm create} and
 * {@code qm set} (PVE 8.4 / 9.1), written from Proxmox's documented schema. A test proves they accept
 * exactly what the real schema accepts. Options outside this set are unknown to the simulator.
 */
public final class QmRules {

    /** Disk bus prefixes and how many slots each has. */
    public static final Map<String, Integer> DISK_BUSES = Map.of("scsi", 31, "virtio", 16, "sata", 6, "ide", 4);
    public static final int NETS = 32;

    private QmRules() {
    }

    /** @return option name to rule for qm create ({@code set = false}) or qm set */
    public static Map<String, Rule> vmOptions(int major, boolean set) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        rules.put("name", Formats.dnsName());
        rules.put("memory", PropertyString.builder().defaultKey("current", integer(16L, null), false).build());
        rules.put("balloon", integer(0L, null));
        rules.put("cores", integer(1L, null));
        rules.put("sockets", integer(1L, null));
        rules.put("vcpus", integer(1L, null));
        rules.put("numa", bool());
        rules.put("cpu", cpu());
        rules.put("ostype", oneOf("other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11",
                "l24", "l26", "solaris"));
        rules.put("scsihw", oneOf("lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi"));
        rules.put("bios", oneOf("seabios", "ovmf"));
        rules.put("onboot", bool());
        rules.put("protection", bool());
        rules.put("tablet", bool());
        rules.put("kvm", bool());
        rules.put("acpi", bool());
        rules.put("agent", agent(major));
        rules.put("boot", PropertyString.builder()
                .defaultKey("legacy", Rule.pattern("[acdn]{1,4}"), false)
                .key("order", Rule.format(v -> v.matches("[a-z]+\\d+(;[a-z]+\\d+)*") ? Optional.empty()
                        : Optional.of("invalid boot order '" + v + "'")))
                .build());
        rules.put("vga", PropertyString.builder()
                .defaultKey("type", oneOf("cirrus", "qxl", "qxl2", "qxl3", "qxl4", "none", "serial0", "serial1",
                        "serial2", "serial3", "std", "virtio", "virtio-gl", "vmware"), false)
                .key("memory", integer(4L, 512L))
                .key("clipboard", oneOf("vnc"))
                .build());
        for (int i = 0; i < 4; i++) {
            rules.put("serial" + i, Rule.pattern("(/dev/.+|socket)"));
        }
        rules.put("tags", Formats.tagList());
        rules.put("description", string(8192));
        rules.put("ciuser", string(0));
        rules.put("cipassword", string(0));
        // qm takes a file path here and URL-encodes its content before the API checks it
        rules.put("sshkeys", string(0));
        rules.put("nameserver", Formats.addressList());
        rules.put("searchdomain", string(0));
        rules.put("citype", oneOf("configdrive2", "nocloud", "opennebula"));
        rules.put("ciupgrade", bool());
        rules.put("template", bool());
        // what Proxmox's own backup, migrate, clone and snapshot tasks set; root may set it by hand too
        rules.put("lock", oneOf("backup", "clone", "create", "migrate", "rollback", "snapshot", "snapshot-delete",
                "suspending", "suspended"));
        for (Map.Entry<String, Integer> bus : DISK_BUSES.entrySet()) {
            for (int i = 0; i < bus.getValue(); i++) {
                rules.put(bus.getKey() + i, disk(bus.getKey(), major));
            }
        }
        for (int i = 0; i < NETS; i++) {
            rules.put("net" + i, net());
            rules.put("ipconfig" + i, ipconfig());
        }
        if (set) {
            rules.put("delete", Rule.format(v -> v.matches("[a-z][a-z_\\-0-9]*([ ,;]+[a-z][a-z_\\-0-9]*)*")
                    ? Optional.empty() : Optional.of("invalid configuration ID list '" + v + "'")));
            rules.put("digest", string(40));
            rules.put("skiplock", bool());
            rules.put("force", bool());
        } else {
            rules.put("vmid", integer(100L, 999_999_999L));
            rules.put("start", bool());
            rules.put("pool", Rule.pattern("[A-Za-z0-9_\\-]+"));
            rules.put("storage", Rule.pattern("[a-z][a-z0-9\\-_.]*[a-z0-9]"));
        }
        return rules;
    }

    /** CPU models accepted by the simulator: PVE's built-ins and common QEMU models. */
    public static final java.util.Set<String> CPU_MODELS = java.util.Set.of(
            "kvm64", "kvm32", "qemu64", "qemu32", "host", "max", "x86-64-v2", "x86-64-v2-AES", "x86-64-v3",
            "x86-64-v4", "Nehalem", "Westmere", "SandyBridge", "IvyBridge", "Haswell", "Broadwell", "Skylake-Client",
            "Skylake-Server", "Cascadelake-Server", "Icelake-Server", "SapphireRapids", "EPYC", "EPYC-Rome",
            "EPYC-Milan", "EPYC-Genoa", "Opteron_G5");

    private static Rule cpu() {
        return PropertyString.builder()
                .defaultKey("cputype", Rule.format(v -> CPU_MODELS.contains(v) || v.startsWith("custom-")
                        ? Optional.empty() : Optional.of("Built-in cputype '" + v + "' is not defined (missing"
                        + " 'custom-' prefix?)")), false)
                .key("flags", Rule.pattern("[+-][a-zA-Z0-9\\-_.]+(;[+-][a-zA-Z0-9\\-_.]+)*"))
                .key("hidden", bool())
                .key("hv-vendor-id", Rule.pattern("[a-zA-Z0-9]{1,12}"))
                .key("phys-bits", Rule.pattern("([8-9]|[1-5]\\d|6[0-4]|host)"))
                .key("guest-phys-bits", integer(32L, 64L))
                .key("reported-model", oneOf(CPU_MODELS.stream().filter(m -> !m.equals("host")).sorted()
                        .toArray(String[]::new)))
                .build();
    }

    private static Rule agent(int major) {
        PropertyString.Builder agent = PropertyString.builder()
                .defaultKey("enabled", bool(), false)
                .key("fstrim_cloned_disks", bool())
                .key("type", oneOf("virtio", "isa"));
        if (major >= 9) {
            agent.key("freeze-fs", bool()).alias("freeze-fs-on-backup", "freeze-fs").alias("guest-fsfreeze", "freeze-fs");
        } else {
            agent.key("freeze-fs-on-backup", bool());
        }
        return agent.build();
    }

    private static Rule disk(String bus, int major) {
        PropertyString.Builder disk = PropertyString.builder()
                .defaultKey("file", Formats.volumeOrPath(), true)
                .alias("volume", "file")
                .key("size", Formats.diskSize())
                .key("import-from", Formats.volumeOrAbsolutePath())
                .key("media", oneOf("cdrom", "disk"))
                .key("format", oneOf("raw", "qcow", "qed", "qcow2", "vmdk", "cloop"))
                .key("cache", oneOf("none", "writethrough", "writeback", "unsafe", "directsync"))
                .key("aio", oneOf("native", "threads", "io_uring"))
                .key("discard", oneOf("ignore", "on"))
                .key("backup", bool())
                .key("replicate", bool())
                .key("snapshot", bool())
                .key("shared", bool())
                .key("detect_zeroes", bool())
                .key("rerror", oneOf("ignore", "report", "stop"))
                .key("werror", oneOf("enospc", "ignore", "report", "stop"))
                .key("serial", Formats.urlencoded());
        if (!bus.equals("virtio")) {
            disk.key("ssd", bool());
        }
        if (bus.equals("scsi") || bus.equals("virtio")) {
            disk.key("iothread", bool()).key("ro", bool());
        }
        if (bus.equals("scsi")) {
            disk.key("queues", integer(2L, null)).key("scsiblock", bool());
        }
        if (major < 9) {
            disk.key("cyls", integer(null, null)).key("heads", integer(null, null)).key("secs", integer(null, null))
                    .key("trans", oneOf("none", "lba", "auto"));
        }
        return disk.build();
    }

    /** NIC models. */
    public static final String[] NIC_MODELS = {"e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e",
        "i82551", "i82557b", "i82559er", "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3"};

    private static Rule net() {
        PropertyString.Builder net = PropertyString.builder()
                .defaultKey("model", oneOf(NIC_MODELS), true)
                .key("macaddr", Formats.macAddress())
                .key("bridge", Formats.bridge())
                .key("firewall", bool())
                .key("link_down", bool())
                .key("mtu", integer(1L, 65520L))
                .key("queues", integer(0L, 64L))
                .key("rate", Rule.number(0L))
                .key("tag", integer(1L, 4094L))
                .key("trunks", Rule.pattern("\\d+(?:-\\d+)?(?:;\\d+(?:-\\d+)?)*"));
        for (String model : NIC_MODELS) {
            net.keyAlias(model, "macaddr");
        }
        return net.build();
    }

    private static Rule ipconfig() {
        return PropertyString.builder()
                .key("ip", Formats.either(Rule.oneOf("dhcp"), Formats.ipv4Cidr()))
                .key("gw", Formats.ipv4())
                .key("ip6", Formats.either(Rule.oneOf("dhcp", "auto"), Formats.ipv6Cidr()))
                .key("gw6", Formats.ipv6())
                .build();
    }
}
