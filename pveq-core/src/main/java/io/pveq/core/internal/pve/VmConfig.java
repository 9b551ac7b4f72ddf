package io.pveq.core.internal.pve;

import io.pveq.core.DiskSize;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The current configuration of a VM as {@code qm config VMID} prints it (sorted {@code key: value} lines;
 * no {@code digest}; {@code cipassword} masked; {@code sshkeys} still URL-encoded). Keeps every line and
 * reads the ones pveq needs into types. Immutable.
 *
 * @param entries config key to raw value, sorted
 */
public record VmConfig(Map<String, String> entries) {

    private static final Pattern DISK_KEY = Pattern.compile("(ide|sata|scsi|virtio)\\d+|efidisk0|tpmstate0");
    private static final java.util.Set<String> KNOWN_NET_KEYS = java.util.Set.of("firewall", "link_down", "mtu",
            "queues", "rate", "trunks");
    private static final Pattern UNUSED_KEY = Pattern.compile("unused\\d+");

    /** Copies. */
    public VmConfig {
        entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    /**
     * One drive line, e.g. {@code scsi0: local-lvm:vm-100-disk-0,iothread=1,size=32G}.
     *
     * @param slot    the config key ({@code scsi0}, {@code ide2}, ...)
     * @param file    the drive's volume ({@code local-lvm:vm-100-disk-0}), {@code none} or a path
     * @param options all keys of the property string after the file
     */
    public record Disk(String slot, String file, PropertyString options) {

        /** Validates. */
        public Disk {
            Objects.requireNonNull(slot, "slot");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(options, "options");
        }

        /** @return the volume when {@code file} is a {@code STORAGE:VOLUME} ID */
        public Optional<VolumeId> volume() {
            try {
                return file.startsWith("/") || !file.contains(":") ? Optional.empty() : Optional.of(VolumeId.parse(file));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }

        /** @return the recorded size ({@code size=3584M}), if shown */
        public Optional<DiskSize> size() {
            return options.get("size").map(ProxmoxSizes::parse);
        }

        /** @return true for a CD-ROM drive ({@code media=cdrom}), including cloud-init drives */
        public boolean cdrom() {
            return options.get("media").map("cdrom"::equals).orElse(false);
        }

        /** @return true for a cloud-init drive ({@code vm-100-cloudinit}) */
        public boolean cloudInit() {
            return file.matches(".*[:/]vm-\\d+-cloudinit(\\.\\w+)?");
        }
    }

    /**
     * A network device line, e.g. {@code net0: virtio=BC:24:11:46:32:17,bridge=vmbr0,tag=20}.
     *
     * @param model      NIC model ({@code virtio}, {@code e1000}, ...)
     * @param macAddress the MAC, if shown
     * @param bridge     the bridge, if any
     * @param vlanTag    the VLAN tag, if any
     */
    public record NetDevice(String model, Optional<String> macAddress, Optional<String> bridge,
                            Optional<Integer> vlanTag) {

        /** Validates. */
        public NetDevice {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(macAddress, "macAddress");
            Objects.requireNonNull(bridge, "bridge");
            Objects.requireNonNull(vlanTag, "vlanTag");
        }
    }

    /** @return the raw value of {@code key}, if set */
    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** @return the VM name, if set */
    public Optional<String> name() {
        return get("name");
    }

    /** @return cores per socket (Proxmox's default 1 when unset) */
    public int cores() {
        return get("cores").map(Integer::parseInt).orElse(1);
    }

    /** @return sockets (default 1) */
    public int sockets() {
        return get("sockets").map(Integer::parseInt).orElse(1);
    }

    /** @return memory in MiB (PVE 9 may write {@code current=N}; default 512 when unset) */
    public int memoryMiB() {
        return get("memory").map(m -> PropertyString.parse(m, "current").get("current").orElseThrow())
                .map(Integer::parseInt).orElse(512);
    }

    /** @return the CPU model ({@code cputype}), if set */
    public Optional<String> cpuType() {
        return get("cpu").flatMap(c -> PropertyString.parse(c, "cputype").get("cputype"));
    }

    /** @return true for a template ({@code template: 1}) */
    public boolean template() {
        return get("template").map("1"::equals).orElse(false);
    }

    /** @return the lock, if the VM is locked */
    public Optional<String> lock() {
        return get("lock");
    }

    /** @return the tags (split on {@code ;}, {@code ,} or space), possibly empty */
    public List<String> tags() {
        return get("tags").map(t -> Arrays.stream(t.split("[;, ]+")).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** @return the public keys, decoded, if set */
    public Optional<String> sshKeys() {
        return get("sshkeys").map(SshKeys::decode);
    }

    /** @return the boot order devices from {@code boot: order=a;b}, possibly empty */
    public List<String> bootOrder() {
        return get("boot").flatMap(b -> PropertyString.parse(b, "legacy").get("order"))
                .map(o -> List.of(o.split(";"))).orElse(List.of());
    }

    /** @return every drive line (disks, CD-ROMs, cloud-init), in key order */
    public List<Disk> disks() {
        List<Disk> disks = new ArrayList<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (DISK_KEY.matcher(e.getKey()).matches()) {
                disks.add(disk(e.getKey(), e.getValue()));
            }
        }
        return List.copyOf(disks);
    }

    /** @return the drive in {@code slot}, if any */
    public Optional<Disk> disk(String slot) {
        return get(slot).filter(v -> DISK_KEY.matcher(slot).matches()).map(v -> disk(slot, v));
    }

    private static Disk disk(String slot, String value) {
        PropertyString all = PropertyString.parse(value, "file");
        Map<String, String> rest = new java.util.LinkedHashMap<>(all.entries());
        String file = rest.remove("file");
        return new Disk(slot, file == null ? "" : file, new PropertyString(rest));
    }

    /** @return the volumes of {@code unusedN} lines (detached or freshly imported disks) */
    public Map<String, VolumeId> unused() {
        Map<String, VolumeId> unused = new TreeMap<>();
        entries.forEach((k, v) -> {
            if (UNUSED_KEY.matcher(k).matches()) {
                unused.put(k, VolumeId.parse(v));
            }
        });
        return Collections.unmodifiableMap(unused);
    }

    /** @return network device {@code netN}, if configured */
    public Optional<NetDevice> net(int index) {
        return get("net" + index).map(VmConfig::netDevice);
    }

    private static NetDevice netDevice(String value) {
        String model = null;
        Optional<String> mac = Optional.empty();
        Optional<String> bridge = Optional.empty();
        Optional<Integer> tag = Optional.empty();
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String val = eq < 0 ? "" : part.substring(eq + 1);
            switch (key) {
                case "model" -> model = val;
                case "macaddr" -> mac = Optional.of(val);
                case "bridge" -> bridge = Optional.of(val);
                case "tag" -> tag = Optional.of(Integer.parseInt(val));
                default -> {
                    // "virtio=BC:24:11:..." (model=MAC) or a bare "virtio"; other keys (firewall, mtu) ignored
                    if (model == null && !KNOWN_NET_KEYS.contains(key)) {
                        model = key;
                        mac = eq < 0 ? mac : Optional.of(val);
                    }
                }
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("network device without model: '" + value + "'");
        }
        return new NetDevice(model, mac, bridge, tag);
    }
}
