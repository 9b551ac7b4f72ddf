package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.ClusterMember;
import io.pveq.api.ClusterResource;
import io.pveq.api.ClusterStatus;
import io.pveq.api.NodeStatus;
import io.pveq.api.NodeSummary;
import io.pveq.api.PveVersion;
import io.pveq.api.StorageVolume;
import io.pveq.api.TaskSummary;
import io.pveq.api.Upid;
import io.pveq.api.VmConfig;
import io.pveq.api.VmCurrentStatus;
import io.pveq.api.VmDisk;
import io.pveq.api.VmNic;
import io.pveq.core.DiskSize;
import io.pveq.core.NodeName;
import io.pveq.core.StorageInfo;
import io.pveq.core.VmId;
import io.pveq.core.VmStatus;
import io.pveq.core.internal.pve.PropertyString;
import io.pveq.core.internal.pve.SshKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads Proxmox JSON ({@code data}) into the public records: the edge where untyped data ends.
 * Lenient about numbers-as-strings and 0/1 booleans, strict about what identifies a thing (a guest
 * without a valid VMID is skipped, never guessed). Stateless.
 */
final class Readers {

    private static final Pattern DISK_SLOT = Pattern.compile("(ide|sata|scsi|virtio)\\d+|efidisk0|tpmstate0|unused\\d+");
    private static final Pattern NIC_SLOT = Pattern.compile("net\\d+");
    private static final Pattern TAG_SEPARATORS = Pattern.compile("[;, ]+");
    private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");
    private static final Set<String> NIC_MODELS = Set.of("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3",
            "e1000-82540em", "e1000-82544gc", "e1000-82545em", "i82551", "i82557b", "i82559er", "ne2k_isa", "ne2k_pci",
            "pcnet");

    private Readers() {
    }

    static PveVersion version(JsonNode data) {
        return new PveVersion(Json.text(data, "version", ""), Json.text(data, "release", ""),
                Json.text(data, "repoid", ""));
    }

    static ClusterStatus clusterStatus(JsonNode data) {
        Optional<String> name = Optional.empty();
        boolean quorate = true;
        List<ClusterMember> members = new ArrayList<>();
        for (JsonNode entry : data) {
            String type = Json.text(entry, "type", "");
            if (type.equals("cluster")) {
                name = Json.optionalText(entry, "name");
                quorate = Json.bool(entry, "quorate", false);
            } else if (type.equals("node")) {
                nodeName(Json.text(entry, "name", "")).ifPresent(n -> members.add(new ClusterMember(n,
                        Json.bool(entry, "online", false), Json.bool(entry, "local", false),
                        (int) Json.integer(entry, "nodeid", 0), Json.optionalText(entry, "ip"))));
            }
        }
        return new ClusterStatus(name, quorate, members);
    }

    static List<ClusterResource> resources(JsonNode data) {
        List<ClusterResource> out = new ArrayList<>(data.size());
        Map<String, Optional<NodeName>> nodes = new HashMap<>(); // a few nodes, named thousands of times
        for (JsonNode entry : data) {
            resource(entry, nodes).ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    private static Optional<ClusterResource> resource(JsonNode e, Map<String, Optional<NodeName>> nodes) {
        String id = Json.text(e, "id", "");
        String type = Json.text(e, "type", "");
        Optional<NodeName> node = nodes.computeIfAbsent(Json.text(e, "node", ""), Readers::nodeName);
        switch (type) {
            case "qemu", "lxc" -> {
                Optional<VmId> vmId = vmId(Json.integer(e, "vmid", -1));
                if (vmId.isEmpty() || node.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(new ClusterResource.Guest(id, type.equals("qemu") ? ClusterResource.GuestType.QEMU
                        : ClusterResource.GuestType.LXC, vmId.get(), node.get(), Json.text(e, "name", ""),
                        VmStatus.fromProxmox(Json.text(e, "status", "unknown")), Json.bool(e, "template", false),
                        (int) Json.integer(e, "maxcpu", 0), Json.number(e, "cpu", 0), Json.integer(e, "maxmem", 0),
                        Json.integer(e, "mem", 0), Json.integer(e, "maxdisk", 0),
                        Duration.ofSeconds(Json.integer(e, "uptime", 0)), tags(Json.text(e, "tags", "")),
                        Json.optionalText(e, "lock"), Json.optionalText(e, "pool")));
            }
            case "node" -> {
                return node.map(n -> new ClusterResource.Node(id, n, Json.text(e, "status", "").equals("online"),
                        (int) Json.integer(e, "maxcpu", 0), Json.number(e, "cpu", 0), Json.integer(e, "maxmem", 0),
                        Json.integer(e, "mem", 0), Json.integer(e, "maxdisk", 0), Json.integer(e, "disk", 0),
                        Duration.ofSeconds(Json.integer(e, "uptime", 0))));
            }
            case "storage" -> {
                return node.map(n -> new ClusterResource.Storage(id, Json.text(e, "storage", ""), n,
                        csv(Json.text(e, "content", "")), Json.bool(e, "shared", false), Json.text(e, "status", ""),
                        Json.integer(e, "maxdisk", 0), Json.integer(e, "disk", 0)));
            }
            default -> {
                return Optional.of(new ClusterResource.Other(id, type));
            }
        }
    }

    static List<NodeSummary> nodes(JsonNode data) {
        List<NodeSummary> out = new ArrayList<>();
        for (JsonNode e : data) {
            nodeName(Json.text(e, "node", "")).ifPresent(n -> out.add(new NodeSummary(n, Json.text(e, "status", "unknown"),
                    (int) Json.integer(e, "maxcpu", 0), Json.number(e, "cpu", 0), Json.integer(e, "maxmem", 0),
                    Json.integer(e, "mem", 0), Duration.ofSeconds(Json.integer(e, "uptime", 0)),
                    Json.optionalText(e, "ssl_fingerprint"))));
        }
        return List.copyOf(out);
    }

    static NodeStatus nodeStatus(JsonNode data) {
        JsonNode cpuinfo = data.path("cpuinfo");
        JsonNode memory = data.path("memory");
        Set<String> flags = new LinkedHashSet<>(Arrays.asList(Json.text(cpuinfo, "flags", "").strip().split("\\s+")));
        flags.remove("");
        List<Double> load = new ArrayList<>();
        for (JsonNode l : data.path("loadavg")) {
            try {
                load.add(Double.parseDouble(l.asText()));
            } catch (NumberFormatException e) {
                load.add(0.0);
            }
        }
        String kernel = Json.text(data.path("current-kernel"), "release", Json.text(data, "kversion", ""));
        return new NodeStatus(Json.text(cpuinfo, "model", ""), flags, (int) Json.integer(cpuinfo, "cpus", 0),
                (int) Json.integer(cpuinfo, "sockets", 0), (int) Json.integer(cpuinfo, "cores", 0),
                Json.integer(memory, "total", 0), Json.integer(memory, "used", 0), Json.number(data, "cpu", 0),
                Duration.ofSeconds(Json.integer(data, "uptime", 0)), Json.text(data, "pveversion", ""), kernel, load);
    }

    static List<StorageInfo> storages(JsonNode data) {
        List<StorageInfo> out = new ArrayList<>();
        for (JsonNode e : data) {
            String id = Json.text(e, "storage", "");
            if (!id.isEmpty()) {
                out.add(new StorageInfo(id, Json.text(e, "type", ""), csv(Json.text(e, "content", "")),
                        Json.bool(e, "active", false), Json.bool(e, "enabled", true), Json.bool(e, "shared", false),
                        Json.integer(e, "total", 0), Json.integer(e, "used", 0), Json.integer(e, "avail", 0)));
            }
        }
        return List.copyOf(out);
    }

    static List<StorageVolume> volumes(JsonNode data) {
        List<StorageVolume> out = new ArrayList<>();
        for (JsonNode e : data) {
            String volid = Json.text(e, "volid", "");
            if (!volid.isEmpty()) {
                long ctime = Json.integer(e, "ctime", -1);
                out.add(new StorageVolume(volid, Json.text(e, "content", ""), Json.text(e, "format", ""),
                        Json.integer(e, "size", 0), vmId(Json.integer(e, "vmid", -1)),
                        ctime < 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(ctime))));
            }
        }
        return List.copyOf(out);
    }

    static VmCurrentStatus vmStatus(VmId vmId, JsonNode d) {
        return new VmCurrentStatus(vmId, VmStatus.fromProxmox(Json.text(d, "status", "unknown")),
                Json.optionalText(d, "qmpstatus"), Json.text(d, "name", ""), (int) Json.number(d, "cpus", 0),
                Json.number(d, "cpu", 0), Json.integer(d, "maxmem", 0), Json.integer(d, "mem", 0),
                Duration.ofSeconds(Json.integer(d, "uptime", 0)), Json.optionalText(d, "lock"),
                Json.bool(d, "agent", false), Json.bool(d, "template", false));
    }

    static VmConfig vmConfig(VmId vmId, JsonNode d) {
        Map<String, String> entries = new TreeMap<>();
        d.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("digest") && !f.getValue().isContainerNode() && !f.getValue().isNull()) {
                entries.put(f.getKey(), f.getValue().asText());
            }
        });
        Map<String, VmDisk> disks = new HashMap<>();
        Map<String, VmNic> nics = new HashMap<>();
        entries.forEach((key, value) -> {
            if (DISK_SLOT.matcher(key).matches()) {
                disk(key, value).ifPresent(disk -> disks.put(key, disk));
            } else if (NIC_SLOT.matcher(key).matches()) {
                nic(key, value).ifPresent(nic -> nics.put(key, nic));
            }
        });
        List<String> keys = new ArrayList<>();
        Optional.ofNullable(entries.get("sshkeys")).ifPresent(encoded -> {
            try {
                for (String line : SshKeys.decode(encoded).split("\n")) {
                    if (!line.isBlank()) {
                        keys.add(line.strip());
                    }
                }
            } catch (IllegalArgumentException e) {
                // a value Proxmox did not encode: left in entries() only
            }
        });
        return new VmConfig(vmId, Json.text(d, "digest", ""), new TreeMap<>(entries), new TreeMap<>(disks),
                new TreeMap<>(nics), keys);
    }

    private static Optional<VmDisk> disk(String slot, String value) {
        try {
            PropertyString p = PropertyString.parse(value, "file");
            Map<String, String> options = new TreeMap<>(p.entries());
            String volume = options.remove("file");
            if (volume == null) {
                volume = options.getOrDefault("volume", "");
                options.remove("volume");
            }
            String size = options.remove("size");
            Optional<DiskSize> parsed = Optional.empty();
            if (size != null) {
                try {
                    parsed = Optional.of(DiskSize.parse(slot, size));
                } catch (RuntimeException e) {
                    options.put("size", size);
                }
            }
            return Optional.of(new VmDisk(slot, volume, parsed, options));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<VmNic> nic(String slot, String value) {
        try {
            PropertyString p = PropertyString.parse(value, "model");
            Map<String, String> options = new TreeMap<>(p.entries());
            String model = options.remove("model");
            String mac = options.remove("macaddr");
            for (String candidate : NIC_MODELS) {
                if (options.containsKey(candidate)) {
                    model = candidate;
                    mac = options.remove(candidate);
                }
            }
            if (model == null) {
                return Optional.empty();
            }
            String bridge = options.remove("bridge");
            return Optional.of(new VmNic(slot, model, Optional.ofNullable(mac), Optional.ofNullable(bridge), options));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static List<TaskSummary> tasks(JsonNode data) {
        List<TaskSummary> out = new ArrayList<>();
        for (JsonNode e : data) {
            Upid.tryParse(Json.text(e, "upid", "")).ifPresent(upid -> {
                long end = Json.integer(e, "endtime", -1);
                out.add(new TaskSummary(upid, end < 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(end)),
                        Json.optionalText(e, "status")));
            });
        }
        return List.copyOf(out);
    }

    private static Optional<NodeName> nodeName(String text) {
        try {
            return text.isEmpty() ? Optional.empty() : Optional.of(NodeName.of(text));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<VmId> vmId(long value) {
        return value >= VmId.MIN && value <= VmId.MAX ? Optional.of(VmId.of((int) value)) : Optional.empty();
    }

    private static Set<String> tags(String text) {
        if (text.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>(Arrays.asList(TAG_SEPARATORS.split(text)));
        out.remove("");
        return out;
    }

    private static Set<String> csv(String text) {
        Set<String> out = new LinkedHashSet<>(Arrays.asList(COMMA.split(text)));
        out.remove("");
        return out;
    }
}
