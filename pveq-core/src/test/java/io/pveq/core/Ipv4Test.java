package io.pveq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4Test {

    @Test
    void parsesAndPrintsDottedQuads() {
        Ipv4Address a = Ipv4Address.parse("GATEWAY", "192.168.0.1");
        assertEquals("192.168.0.1", a.toString());
        assertEquals(192, a.octet(0));
        assertEquals(1, a.octet(3));
        assertEquals(Ipv4Address.of(192, 168, 0, 1), a);
        assertEquals("255.255.255.255", Ipv4Address.parse("x", "255.255.255.255").toString());
        assertEquals("0.0.0.0", Ipv4Address.parse("x", "0.0.0.0").toString());
        assertEquals("192.168.0.101", a.withLastOctet(101).toString());
        assertEquals("/192.168.0.1", a.toInetAddress().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.168.0", "192.168.0.1.2", "192.168.0.256", "192.168.00.1", "192.168.0.-1",
        "192.168.0.1 ", "a.b.c.d", "", "192..0.1", "1234.1.1.1", "localhost"})
    void rejectsMalformedAddressesNamingTheField(String text) {
        assertEquals("GATEWAY", assertThrows(InvalidSpecException.class, () -> Ipv4Address.parse("GATEWAY", text)).field());
    }

    @Test
    void ordersUnsigned() {
        assertTrue(Ipv4Address.parse("x", "200.0.0.1").compareTo(Ipv4Address.parse("x", "10.0.0.1")) > 0);
    }

    @Test
    void cidrComputesNetworkAndMembership() {
        Ipv4Cidr c = Ipv4Cidr.parse("ALLOW_IPS", "192.168.0.101/24");
        assertEquals("192.168.0.0", c.network().toString());
        assertEquals("192.168.0.255", c.broadcast().toString());
        assertTrue(c.contains(Ipv4Address.parse("x", "192.168.0.7")));
        assertFalse(c.contains(Ipv4Address.parse("x", "192.168.1.7")));
        assertEquals("192.168.0.101/24", c.toString());
        assertEquals(32, Ipv4Cidr.parse("x", "10.1.2.3").prefixLength());
        assertTrue(Ipv4Cidr.parse("x", "0.0.0.0/0").contains(Ipv4Address.parse("x", "8.8.8.8")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.168.0.0/33", "192.168.0.0/", "192.168.0.0/024", "192.168.0.0/a", "192.168.0/24"})
    void rejectsMalformedCidr(String text) {
        assertEquals("ALLOW_IPS", assertThrows(InvalidSpecException.class, () -> Ipv4Cidr.parse("ALLOW_IPS", text)).field());
    }
}
