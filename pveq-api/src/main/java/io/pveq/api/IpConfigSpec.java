package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import java.util.Objects;
import java.util.Optional;

/**
 * Cloud-init addressing of one interface, {@code ipconfigN: ip=ADDR/PREFIX,gw=GATEWAY} or
 * {@code ip=dhcp}; IPv6 as {@code ip6=} (CIDR, {@code dhcp} or {@code auto}). Immutable.
 *
 * @param index     N in {@code ipconfigN}, matching {@code netN}
 * @param ipv4      a static address with prefix; empty for DHCP
 * @param gateway   the IPv4 gateway; only with a static address
 * @param ipv6      {@code ip6=} value ({@code 2001:db8::5/64}, {@code dhcp}, {@code auto}), when set
 */
public record IpConfigSpec(int index, Optional<Ipv4Cidr> ipv4, Optional<Ipv4Address> gateway, Optional<String> ipv6) {

    /** Validates. */
    public IpConfigSpec {
        if (index < 0 || index > 31) {
            throw new InvalidSpecException("ipconfig", "index must be 0-31, got " + index);
        }
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(ipv6, "ipv6");
        if (gateway.isPresent() && ipv4.isEmpty()) {
            throw new InvalidSpecException("ipconfig" + index, "a gateway needs a static IPv4 address");
        }
        ipv6.ifPresent(v6 -> {
            if (!v6.equals("dhcp") && !v6.equals("auto") && !v6.matches("[0-9a-fA-F:]+:[0-9a-fA-F:]*/\\d{1,3}")) {
                throw new InvalidSpecException("ipconfig" + index, "ip6 must be an IPv6 CIDR, dhcp or auto, got '"
                        + InvalidSpecException.shorten(v6) + "'");
            }
        });
    }

    /** @return a static IPv4 address with a gateway on interface {@code index} */
    public static IpConfigSpec staticIpv4(int index, Ipv4Cidr address, Ipv4Address gateway) {
        return new IpConfigSpec(index, Optional.of(address), Optional.of(gateway), Optional.empty());
    }

    /** @return DHCP on IPv4 for interface {@code index} */
    public static IpConfigSpec dhcp(int index) {
        return new IpConfigSpec(index, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
