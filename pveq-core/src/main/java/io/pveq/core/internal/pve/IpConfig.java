package io.pveq.core.internal.pve;

import io.pveq.core.InvalidSpecException;
import java.util.Objects;
import java.util.Optional;

/**
 * The IPv4 part of a cloud-init {@code ipconfigN} value: DHCP, or a static address with prefix and an
 * optional gateway ({@code ip=10.0.0.5/24,gw=10.0.0.1}). Immutable.
 *
 * @param address dotted IPv4 address; empty for DHCP
 * @param prefix  prefix length 0-32 (ignored for DHCP, then 0)
 * @param gateway gateway IPv4 address; only with a static address
 */
public record IpConfig(Optional<String> address, int prefix, Optional<String> gateway) {

    /** Validates. */
    public IpConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(gateway, "gateway");
        address.ifPresent(a -> Checks.matches("ipAddress", Checks.IPV4, a, "a dotted IPv4 address"));
        gateway.ifPresent(g -> Checks.matches("gateway", Checks.IPV4, g, "a dotted IPv4 address"));
        if (address.isPresent()) {
            Checks.between("prefix", prefix, 0, 32);
        } else if (gateway.isPresent() || prefix != 0) {
            throw new InvalidSpecException("gateway", "a gateway or prefix needs a static address");
        }
    }

    /** @return DHCP on IPv4 */
    public static IpConfig dhcp() {
        return new IpConfig(Optional.empty(), 0, Optional.empty());
    }

    /** @return a static address with a gateway */
    public static IpConfig of(String address, int prefix, String gateway) {
        return new IpConfig(Optional.of(address), prefix, Optional.of(gateway));
    }

    /** @return a static address without a gateway */
    public static IpConfig of(String address, int prefix) {
        return new IpConfig(Optional.of(address), prefix, Optional.empty());
    }

    /** @return the {@code ipconfigN} property string */
    public PropertyString toPropertyString() {
        PropertyString.Builder b = PropertyString.builder();
        b.put("ip", address.map(a -> a + "/" + prefix).orElse("dhcp"));
        gateway.ifPresent(g -> b.put("gw", g));
        return b.build();
    }
}
