package io.pveq.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The network new VMs join: gateway and prefix length, how addresses are chosen, the bridge and
 * DNS settings handed to cloud-init. Validation names the setting at fault ({@code gateway},
 * {@code prefixLength}, {@code ipRangeStart}, {@code ipPool}, {@code bridge}, {@code nameservers},
 * {@code searchDomain}).
 *
 * @param gateway      the gateway
 * @param prefixLength the network's prefix length, 8-30 (24 by default; at most 24 with {@link AddressingMode.VmidOctet})
 * @param addressing   how addresses are chosen
 * @param bridge       the Linux bridge for {@code net0} ({@code vmbr0} by default)
 * @param nameservers  DNS servers for cloud-init, at most 3; empty: Proxmox uses the node's
 * @param searchDomain DNS search domain for cloud-init, if any
 */
public record NetworkSettings(Ipv4Address gateway, int prefixLength, AddressingMode addressing, String bridge,
                              List<Ipv4Address> nameservers, Optional<String> searchDomain) {

    private static final Pattern BRIDGE = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,14}");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** @throws InvalidSpecException naming the setting at fault */
    public NetworkSettings {
        if (gateway == null) {
            throw new InvalidSpecException("gateway", "is required, e.g. 192.168.0.1");
        }
        Objects.requireNonNull(addressing, "addressing");
        if (prefixLength < 8 || prefixLength > 30) {
            throw new InvalidSpecException("prefixLength", "must be between 8 and 30, got " + prefixLength);
        }
        Ipv4Cidr net = new Ipv4Cidr(gateway, prefixLength);
        if (gateway.equals(net.network()) || gateway.equals(net.broadcast())) {
            throw new InvalidSpecException("gateway", "must be a host address of its /" + prefixLength
                    + " network, got " + gateway);
        }
        if (addressing instanceof AddressingMode.VmidOctet v) {
            if (prefixLength > 24) {
                throw new InvalidSpecException("prefixLength", "must be at most 24 when the last octet follows"
                        + " the VMID, got " + prefixLength);
            }
            if (gateway.octet(3) >= v.first() && gateway.octet(3) <= v.last()) {
                throw new InvalidSpecException("ipRangeStart", "the range " + v.describe()
                        + " includes the gateway's last octet " + gateway.octet(3));
            }
        } else if (addressing instanceof AddressingMode.Pool p) {
            for (Ipv4Address end : List.of(p.first(), p.last())) {
                if (!net.contains(end) || end.equals(net.network()) || end.equals(net.broadcast())) {
                    throw new InvalidSpecException("ipPool", "must lie inside the gateway's network " + net.network()
                            + "/" + prefixLength + " (network and broadcast excluded), got " + end);
                }
            }
            if (p.contains(gateway)) {
                throw new InvalidSpecException("ipPool", "must not include the gateway " + gateway);
            }
        }
        if (bridge == null || !BRIDGE.matcher(bridge).matches()) {
            throw new InvalidSpecException("bridge", "must be a Linux bridge name such as vmbr0, got '"
                    + InvalidSpecException.shorten(bridge) + "'");
        }
        nameservers = List.copyOf(nameservers);
        if (nameservers.size() > 3) {
            throw new InvalidSpecException("nameservers", "at most 3 servers, got " + nameservers.size());
        }
        Objects.requireNonNull(searchDomain, "searchDomain");
        if (searchDomain.isPresent() && !DOMAIN.matcher(searchDomain.get()).matches()) {
            throw new InvalidSpecException("searchDomain", "must be a DNS domain such as example.com, got '"
                    + InvalidSpecException.shorten(searchDomain.get()) + "'");
        }
    }

    /** @return default settings for a gateway: /24, VMID addressing 100-254, {@code vmbr0}, node DNS */
    public static NetworkSettings defaults(Ipv4Address gateway) {
        return new NetworkSettings(gateway, 24, AddressingMode.DEFAULT, "vmbr0", List.of(), Optional.empty());
    }

    /** @return the gateway's network, e.g. {@code 192.168.0.0/24} */
    public Ipv4Cidr subnet() {
        Ipv4Cidr net = new Ipv4Cidr(gateway, prefixLength);
        return new Ipv4Cidr(net.network(), prefixLength);
    }

    /**
     * @return in VMID addressing, the address a VM with this id gets (with the prefix length);
     *         empty in pool addressing, where only the VM's config or tag tells
     */
    public Optional<Ipv4Cidr> addressFor(VmId vmId) {
        if (addressing instanceof AddressingMode.VmidOctet v && v.contains(vmId)) {
            return Optional.of(new Ipv4Cidr(gateway.withLastOctet(vmId.value()), prefixLength));
        }
        return Optional.empty();
    }

    /**
     * Checks a requested VMID against the addressing mode.
     *
     * @return {@code vmId}
     * @throws InvalidSpecException naming {@code id} when VMID addressing is used and the id lies outside its range
     */
    public VmId checkRequestedId(VmId vmId) {
        if (addressing instanceof AddressingMode.VmidOctet v && !v.contains(vmId)) {
            throw new InvalidSpecException("id", "must be between " + v.first() + " and " + v.last()
                    + " (the VMID is the address's last octet), got " + vmId);
        }
        return vmId;
    }
}
