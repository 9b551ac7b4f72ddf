package io.pveq.core;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address, e.g. {@code 192.168.0.101}. Parsed strictly: four decimal octets 0-255 without
 * leading zeros (which some tools read as octal), no spaces, no host names.
 *
 * @param bits the address as a 32-bit number, {@code 192.168.0.1} being {@code 0xC0A80001}
 */
public record Ipv4Address(int bits) implements Comparable<Ipv4Address> {

    /**
     * @param text a dotted quad such as {@code 192.168.0.1}
     * @return the address
     * @throws InvalidSpecException naming {@code address} when malformed
     */
    public static Ipv4Address of(String text) {
        return parse("address", text);
    }

    /**
     * Parses dotted-quad text.
     *
     * @param field the request field or setting named in the error, e.g. {@code gateway}
     * @param text  the text to parse; may be null (then rejected)
     * @return the address
     * @throws InvalidSpecException naming {@code field} when {@code text} is not a dotted-quad IPv4 address
     */
    public static Ipv4Address parse(String field, String text) {
        String[] parts = text == null ? new String[0] : text.split("\\.", -1);
        if (parts.length != 4) {
            throw invalid(field, text);
        }
        int bits = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid(field, text);
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw invalid(field, text);
            }
            bits = (bits << 8) | octet;
        }
        return new Ipv4Address(bits);
    }

    /**
     * @param a first octet
     * @param b second octet
     * @param c third octet
     * @param d fourth octet
     * @return the address {@code a.b.c.d}
     * @throws IllegalArgumentException when an octet is outside 0-255
     */
    public static Ipv4Address of(int a, int b, int c, int d) {
        for (int octet : new int[] {a, b, c, d}) {
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("octet must be 0-255, got " + octet);
            }
        }
        return new Ipv4Address((a << 24) | (b << 16) | (c << 8) | d);
    }

    private static InvalidSpecException invalid(String field, String text) {
        return new InvalidSpecException(field, "must be an IPv4 address such as 192.168.0.1, got '"
                + InvalidSpecException.shorten(text) + "'");
    }

    /**
     * @param index 0 for the first (leftmost) octet, 3 for the last
     * @return that octet, 0-255
     */
    public int octet(int index) {
        if (index < 0 || index > 3) {
            throw new IllegalArgumentException("octet index must be 0-3, got " + index);
        }
        return (bits >>> (24 - 8 * index)) & 0xFF;
    }

    /** @return a copy with the last octet replaced, e.g. the gateway's /24 plus a VMID */
    public Ipv4Address withLastOctet(int lastOctet) {
        if (lastOctet < 0 || lastOctet > 255) {
            throw new IllegalArgumentException("octet must be 0-255, got " + lastOctet);
        }
        return new Ipv4Address((bits & 0xFFFFFF00) | lastOctet);
    }

    /** @return the address as an unsigned number, convenient for ranges */
    public long toUnsigned() {
        return Integer.toUnsignedLong(bits);
    }

    /** @return the address as a JDK {@link InetAddress} (no name lookup happens) */
    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(new byte[] {
                (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public int compareTo(Ipv4Address other) {
        return Integer.compareUnsigned(bits, other.bits);
    }

    /** @return dotted-quad text, e.g. {@code 192.168.0.101} */
    @Override
    public String toString() {
        return octet(0) + "." + octet(1) + "." + octet(2) + "." + octet(3);
    }
}
