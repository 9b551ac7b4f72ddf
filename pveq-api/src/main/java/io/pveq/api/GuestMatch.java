package io.pveq.api;

import java.util.List;
import java.util.Objects;

/**
 * A guest found by {@link LookupApi}: which one, its name, and the addresses that matched or were learnt.
 *
 * @param guest     the VM or container
 * @param name      its name (a container's host name)
 * @param addresses its addresses as far as the lookup learnt them (possibly none for a name lookup)
 */
public record GuestMatch(GuestRef guest, String name, List<String> addresses) {

    /** Validates and copies. */
    public GuestMatch {
        Objects.requireNonNull(guest, "guest");
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
    }
}
