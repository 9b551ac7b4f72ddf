package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.ContainerConfig;
import io.pveq.api.ContainerNic;
import io.pveq.api.ContainerStatus;
import io.pveq.api.GuestInterface;
import io.pveq.api.GuestRef;
import io.pveq.api.Snapshot;
import io.pveq.api.SnapshotTree;
import io.pveq.core.VmId;
import io.pveq.core.VmStatus;
import io.pveq.core.internal.pve.PropertyString;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads what containers, snapshots and guest interfaces answer into the public records (the companion of
 * {@link Readers}). Lenient about numbers-as-strings; a container without a valid VMID is skipped. Stateless.
 */
final class GuestReaders {

    private static final Pattern NIC_SLOT = Pattern.compile("net\\d+");

    private GuestReaders() {
    }

    static Optional<ContainerStatus> containerStatus(JsonNode e) {
        long vmid = Json.integer(e, "vmid", -1);
        if (vmid < VmId.MIN || vmid > VmId.MAX) {
            return Optional.empty();
        }
        return Optional.of(containerStatus(e, VmId.of((int) vmid)));
    }

    static ContainerStatus containerStatus(JsonNode e, VmId vmId) {
        return new ContainerStatus(vmId, VmStatus.fromProxmox(Json.text(e, "status", "unknown")), Json.text(e, "name", ""),
                Json.number(e, "cpus", 0), Json.number(e, "cpu", 0), Json.integer(e, "maxmem", 0), Json.integer(e, "mem", 0),
                Json.integer(e, "maxswap", 0), Json.integer(e, "swap", 0), Json.integer(e, "maxdisk", 0),
                Json.integer(e, "disk", 0), Duration.ofSeconds(Json.integer(e, "uptime", 0)), Json.integer(e, "netin", 0),
                Json.integer(e, "netout", 0), Json.integer(e, "diskread", 0), Json.integer(e, "diskwrite", 0),
                Json.optionalText(e, "lock"));
    }

    static ContainerConfig containerConfig(VmId vmId, JsonNode d) {
        Map<String, String> entries = new TreeMap<>();
        d.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("digest") && !f.getValue().isContainerNode() && !f.getValue().isNull()) {
                entries.put(f.getKey(), f.getValue().asText());
            }
        });
        Map<String, ContainerNic> nics = new TreeMap<>();
        entries.forEach((key, value) -> {
            if (NIC_SLOT.matcher(key).matches()) {
                containerNic(key, value).ifPresent(nic -> nics.put(key, nic));
            }
        });
        return new ContainerConfig(vmId, Json.text(d, "digest", ""), new TreeMap<>(entries), new TreeMap<>(nics));
    }

    private static Optional<ContainerNic> containerNic(String slot, String value) {
        try {
            Map<String, String> options = new TreeMap<>(PropertyString.parse(value, "name").entries());
            String name = options.remove("name");
            if (name == null) {
                return Optional.empty();
            }
            return Optional.of(new ContainerNic(slot, name, Optional.ofNullable(options.remove("bridge")),
                    Optional.ofNullable(options.remove("hwaddr")), Optional.ofNullable(options.remove("ip")),
                    Optional.ofNullable(options.remove("gw")), Optional.ofNullable(options.remove("ip6")), options));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Agent ({@code result}: [...]) and container ({@code [...]}) interface lists alike. */
    static List<GuestInterface> interfaces(JsonNode data) {
        JsonNode list = data.has("result") ? data.path("result") : data;
        List<GuestInterface> out = new ArrayList<>();
        for (JsonNode nic : list) {
            List<GuestInterface.Address> addresses = new ArrayList<>();
            for (JsonNode a : nic.path("ip-addresses")) {
                String address = Json.text(a, "ip-address", "");
                if (!address.isEmpty()) {
                    String type = Json.text(a, "ip-address-type", "");
                    addresses.add(new GuestInterface.Address(address, (int) Json.integer(a, "prefix", 0),
                            type.equals("ipv6") || type.equals("inet6") || address.contains(":")));
                }
            }
            if (addresses.isEmpty()) { // older container answers carry inet/inet6 only
                for (String field : List.of("inet", "inet6")) {
                    Json.optionalText(nic, field).ifPresent(cidr -> {
                        int slash = cidr.indexOf('/');
                        addresses.add(new GuestInterface.Address(slash < 0 ? cidr : cidr.substring(0, slash),
                                slash < 0 ? 0 : Integer.parseInt(cidr.substring(slash + 1)), field.equals("inet6")));
                    });
                }
            }
            Optional<String> mac = Json.optionalText(nic, "hardware-address").or(() -> Json.optionalText(nic, "hwaddr"))
                    .map(m -> m.toLowerCase(Locale.ROOT));
            out.add(new GuestInterface(Json.text(nic, "name", ""), mac, addresses));
        }
        return List.copyOf(out);
    }

    /**
     * The addresses a guest can be reached on: none of a loopback interface ({@code lo}, or an all-zero
     * MAC), no host loopback ({@code 127.0.0.1}, {@code ::1}) and no link-local address, IPv4 before
     * IPv6; when {@code mac} is given, the interface with that MAC comes first (net0's, as API.md says to
     * pick). Other 127/8 addresses on a real interface are kept: guests on a loopback-only test network
     * (the simulator's) are given such addresses.
     */
    static List<String> reachable(List<GuestInterface> interfaces, Optional<String> mac) {
        List<GuestInterface> ordered = new ArrayList<>(interfaces);
        mac.map(m -> m.toLowerCase(Locale.ROOT)).ifPresent(m -> ordered.sort(Comparator.comparing(
                (GuestInterface i) -> !i.mac().map(m::equals).orElse(false))));
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (GuestInterface nic : ordered) {
            if (nic.name().equals("lo") || nic.mac().map(m -> m.equals("00:00:00:00:00:00")).orElse(false)) {
                continue;
            }
            for (GuestInterface.Address a : nic.addresses()) {
                String address = a.address().toLowerCase(Locale.ROOT);
                boolean hostLoopback = address.equals("127.0.0.1") || address.equals("::1");
                if (!hostLoopback && !address.startsWith("169.254.") && !address.startsWith("fe80:")) {
                    (a.ipv6() ? v6 : v4).add(a.address());
                }
            }
        }
        v4.addAll(v6);
        return List.copyOf(v4);
    }

    static SnapshotTree snapshots(GuestRef guest, JsonNode data) {
        List<Snapshot> snapshots = new ArrayList<>();
        Optional<String> currentParent = Optional.empty();
        boolean running = false;
        for (JsonNode e : data) {
            String name = Json.text(e, "name", "");
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("current")) {
                currentParent = Json.optionalText(e, "parent");
                running = Json.bool(e, "running", false);
                continue;
            }
            long time = Json.integer(e, "snaptime", -1);
            snapshots.add(new Snapshot(name, Json.text(e, "description", ""),
                    time < 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(time)), Json.optionalText(e, "parent"),
                    Json.bool(e, "vmstate", false)));
        }
        snapshots.sort(Comparator.comparing((Snapshot s) -> s.time().orElse(Instant.EPOCH)).thenComparing(Snapshot::name));
        return new SnapshotTree(guest, snapshots, currentParent, running);
    }
}
