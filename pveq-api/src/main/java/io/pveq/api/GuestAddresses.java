package io.pveq.api;

import java.util.List;
import java.util.Objects;

/**
 * A guest's IP addresses and where they were learnt: from the running guest (its agent, or a container's
 * interfaces) or, when it is stopped or does not tell, from its configuration ({@code ipconfigN} of a VM,
 * {@code netN ip=} of a container). Loopback and link-local addresses are never listed.
 *
 * @param addresses the addresses (IPv4 first), without prefix
 * @param source    where they come from
 */
public record GuestAddresses(List<String> addresses, Source source) {

    /** Where addresses were learnt. */
    public enum Source {
        /** The running guest reported them. */
        RUNNING,
        /** Its configuration holds them (static addresses only; a DHCP lease is not known). */
        CONFIG
    }

    /** Validates and copies. */
    public GuestAddresses {
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(source, "source");
    }
}
