package io.pveq.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A network interface inside a guest, as its agent reports it.
 *
 * @param name      e.g. {@code eth0}, {@code lo}
 * @param mac       its hardware address, lower case
 * @param addresses its addresses
 */
public record GuestInterface(String name, Optional<String> mac, List<Address> addresses) {

    /** Validates and copies. */
    public GuestInterface {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mac, "mac");
        addresses = List.copyOf(addresses);
    }

    /**
     * An address of the interface.
     *
     * @param address the address, e.g. {@code 192.0.2.10} or {@code fe80::1}
     * @param prefix  its prefix length
     * @param ipv6    true for IPv6
     */
    public record Address(String address, int prefix, boolean ipv6) {
        /** Validates. */
        public Address {
            Objects.requireNonNull(address, "address");
        }

        /** @return true for loopback and link-local addresses, which are no way to reach the guest */
        public boolean local() {
            return address.startsWith("127.") || address.equals("::1") || address.startsWith("169.254.")
                    || address.toLowerCase(java.util.Locale.ROOT).startsWith("fe80:");
        }
    }
}
