package io.pveq.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pveq.api.GuestInterface;
import io.pveq.api.GuestInterface.Address;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GuestReadersTest {

    @Test
    void theAddressOnNet0sMacComesFirstAndLoopbackAndLinkLocalAreSkipped() {
        List<GuestInterface> nics = List.of(
                new GuestInterface("lo", Optional.of("00:00:00:00:00:00"),
                        List.of(new Address("127.0.0.1", 8, false), new Address("::1", 128, true))),
                new GuestInterface("docker0", Optional.of("02:42:ac:11:00:01"),
                        List.of(new Address("172.17.0.1", 16, false), new Address("169.254.3.4", 16, false))),
                new GuestInterface("ens18", Optional.of("bc:24:11:00:00:07"),
                        List.of(new Address("fe80::be24:11ff:fe00:7", 64, true), new Address("2001:db8::7", 64, true),
                                new Address("192.0.2.7", 24, false))));
        assertEquals(List.of("192.0.2.7", "172.17.0.1", "2001:db8::7"),
                GuestReaders.reachable(nics, Optional.of("BC:24:11:00:00:07")));
        assertEquals(List.of("172.17.0.1", "192.0.2.7", "2001:db8::7"), GuestReaders.reachable(nics, Optional.empty()));
    }
}
