package io.pveq.api;

import io.pveq.core.VmId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A container's configuration ({@code GET /nodes/{node}/lxc/{vmid}/config}).
 *
 * @param vmId    the container
 * @param digest  the config's digest, for {@link ContainerConfigUpdate.Builder#digest}
 * @param entries every key and value as Proxmox returns them (numbers as text)
 * @param nics    its network devices by slot
 */
public record ContainerConfig(VmId vmId, String digest, SortedMap<String, String> entries,
                              SortedMap<String, ContainerNic> nics) {

    /** Validates and copies. */
    public ContainerConfig {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(digest, "digest");
        entries = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(entries));
        nics = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(nics));
    }

    /** @return a value of the config */
    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** @return its host name ({@code hostname}) */
    public Optional<String> hostname() {
        return get("hostname");
    }

    /** @return its CPU cores, 0 when unlimited */
    public int cores() {
        return get("cores").map(Integer::parseInt).orElse(0);
    }

    /** @return its memory limit in MiB */
    public int memoryMiB() {
        return get("memory").map(Integer::parseInt).orElse(512);
    }

    /** @return the static IPv4 addresses of its NICs, in slot order (what {@code ip=} holds; no DHCP lease) */
    public List<io.pveq.core.Ipv4Cidr> staticAddresses() {
        return nics.values().stream().flatMap(n -> n.staticIpv4().stream()).toList();
    }
}
