package io.pveq.core;

import java.util.Objects;

/**
 * An IPv4 address with a prefix length, e.g. {@code 192.168.0.101/24}: an interface address as
 * cloud-init's {@code ip=} takes it, or a network as {@code ALLOW_IPS} entries name it. The address
 * keeps its host bits; {@link #network()} clears them.
 *
 * @param address      the address
 * @param prefixLength 0-32
 */
public record Ipv4Cidr(Ipv4Address address, int prefixLength) {

    /** @throws IllegalArgumentException when the prefix length is outside 0-32 */
    public Ipv4Cidr {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0-32, got " + prefixLength);
        }
    }

    /**
     * Parses {@code a.b.c.d/n}, or a bare address (read as {@code /32}).
     *
     * @param field the request field or setting named in the error
     * @param text  the text to parse; may be null (then rejected)
     * @return the parsed value
     * @throws InvalidSpecException naming {@code field} when malformed
     */
    public static Ipv4Cidr parse(String field, String text) {
        if (text == null) {
            throw new InvalidSpecException(field, "must be an IPv4 address or CIDR such as 192.168.0.0/24, got 'null'");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new Ipv4Cidr(Ipv4Address.parse(field, text), 32);
        }
        String prefix = text.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 2 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')
                || (prefix.length() == 2 && prefix.charAt(0) == '0') || Integer.parseInt(prefix) > 32) {
            throw new InvalidSpecException(field, "prefix length must be 0-32, got '"
                    + InvalidSpecException.shorten(text) + "'");
        }
        return new Ipv4Cidr(Ipv4Address.parse(field, text.substring(0, slash)), Integer.parseInt(prefix));
    }

    /** @return the network mask as a 32-bit number ({@code /24} is {@code 0xFFFFFF00}) */
    public int mask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** @return the network address (host bits cleared), e.g. {@code 192.168.0.0} for {@code 192.168.0.101/24} */
    public Ipv4Address network() {
        return new Ipv4Address(address.bits() & mask());
    }

    /** @return the broadcast address (host bits set) */
    public Ipv4Address broadcast() {
        return new Ipv4Address(address.bits() | ~mask());
    }

    /** @return true when {@code candidate} lies in this network */
    public boolean contains(Ipv4Address candidate) {
        return (candidate.bits() & mask()) == (address.bits() & mask());
    }

    /** @return {@code a.b.c.d/n} */
    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
