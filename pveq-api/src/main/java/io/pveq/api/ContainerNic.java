package io.pveq.api;

import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A container's network device as its config holds it ({@code net0: name=eth0,bridge=vmbr0,hwaddr=...,ip=...}).
 *
 * @param slot    the config key, e.g. {@code net0}
 * @param name    the interface name inside the container, e.g. {@code eth0}
 * @param bridge  the host bridge
 * @param mac     its MAC address, upper case as Proxmox writes it
 * @param ip      the IPv4 setting: an address with prefix, {@code dhcp} or {@code manual}
 * @param gateway the IPv4 gateway
 * @param ip6     the IPv6 setting
 * @param options the other keys (firewall, tag, mtu, ...)
 */
public record ContainerNic(String slot, String name, Optional<String> bridge, Optional<String> mac, Optional<String> ip,
                           Optional<String> gateway, Optional<String> ip6, Map<String, String> options) {

    /** Validates and copies. */
    public ContainerNic {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(ip6, "ip6");
        options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    }

    /** @return the static IPv4 address, when {@code ip} is one (not {@code dhcp} or {@code manual}) */
    public Optional<Ipv4Cidr> staticIpv4() {
        return ip.filter(v -> v.contains("/")).flatMap(v -> {
            try {
                return Optional.of(Ipv4Cidr.parse(slot, v));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    /** @return the gateway as an address, when it is a valid one */
    public Optional<Ipv4Address> gatewayAddress() {
        return gateway.flatMap(g -> {
            try {
                return Optional.of(Ipv4Address.parse(slot, g));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }
}
