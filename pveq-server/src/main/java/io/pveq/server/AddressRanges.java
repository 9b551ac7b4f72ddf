package io.pveq.server;

import io.pveq.core.InvalidSpecException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A set of IP addresses given as a comma-separated list of addresses and CIDR ranges, IPv4 or IPv6
 * ({@code ALLOW_IPS}, {@code TRUSTED_PROXIES}). Entries are trimmed; {@code 0.0.0.0} alone (the
 * reference's spelling) and {@code 0.0.0.0/0} or {@code ::/0} mean every address. IPv4-mapped IPv6
 * addresses ({@code ::ffff:10.0.0.1}) match their IPv4 form. Host names are refused: nothing here
 * ever resolves a name. Immutable and thread-safe.
 *
 * @param ranges   the ranges
 * @param everyone true when every address matches
 */
public record AddressRanges(List<Range> ranges, boolean everyone) {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    /** Every address. */
    public static final AddressRanges EVERYONE = new AddressRanges(List.of(), true);
    /** No address. */
    public static final AddressRanges NONE = new AddressRanges(List.of(), false);

    /** Copies. */
    public AddressRanges {
        ranges = List.copyOf(ranges);
    }

    /**
     * @param variable the setting named in errors, e.g. {@code ALLOW_IPS}
     * @param text     the list; null or blank gives {@link #NONE}
     * @return the ranges
     * @throws InvalidSpecException naming {@code variable} when an entry is not an address or CIDR range
     */
    public static AddressRanges parse(String variable, String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Range> out = new ArrayList<>();
        boolean all = false;
        for (String raw : text.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("0.0.0.0")) {
                all = true;
                continue;
            }
            Range range = Range.parse(variable, entry);
            if (range.prefix() == 0) {
                all = true;
            }
            out.add(range);
        }
        return new AddressRanges(out, all);
    }

    /** @return true when {@code address} lies in one of the ranges (always when {@link #everyone()}) */
    public boolean contains(InetAddress address) {
        if (everyone) {
            return true;
        }
        byte[] bytes = normalise(address).getAddress();
        for (Range r : ranges) {
            if (r.matches(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** @return true when no address matches */
    public boolean isEmpty() {
        return !everyone && ranges.isEmpty();
    }

    /**
     * Parses an IP literal without ever resolving a name.
     *
     * @param text an IPv4 or IPv6 literal, optionally in brackets
     * @return the address, IPv4-mapped IPv6 turned into IPv4; empty when {@code text} is no literal
     */
    public static Optional<InetAddress> literal(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        boolean v4 = IPV4.matcher(t).matches();
        boolean v6 = !v4 && t.contains(":") && IPV6.matcher(t).matches();
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(normalise(InetAddress.getByName(t))); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static InetAddress normalise(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return address;
    }

    /**
     * One address range.
     *
     * @param network the network address bytes (4 or 16)
     * @param prefix  the prefix length
     */
    public record Range(byte[] network, int prefix) {

        /** Validates. */
        public Range {
            Objects.requireNonNull(network, "network");
            network = network.clone();
            if (network.length != 4 && network.length != 16 || prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("bad range");
            }
        }

        static Range parse(String variable, String entry) {
            int slash = entry.indexOf('/');
            String addr = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress a = literal(addr).orElseThrow(() -> new InvalidSpecException(variable,
                    "entries must be IP addresses or CIDR ranges such as 192.168.0.0/24, got '"
                            + InvalidSpecException.shorten(entry) + "'"));
            int max = a instanceof Inet4Address ? 32 : 128;
            int prefix = max;
            if (slash >= 0) {
                String p = entry.substring(slash + 1);
                if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > max) {
                    throw new InvalidSpecException(variable, "prefix length must be 0-" + max + ", got '"
                            + InvalidSpecException.shorten(entry) + "'");
                }
                prefix = Integer.parseInt(p);
            }
            return new Range(a.getAddress(), prefix);
        }

        boolean matches(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }

        @Override
        public byte[] network() {
            return network.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Range r && r.prefix == prefix && java.util.Arrays.equals(r.network, network);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(network) * 31 + prefix;
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
            } catch (UnknownHostException e) {
                return "?/" + prefix;
            }
        }
    }
}
