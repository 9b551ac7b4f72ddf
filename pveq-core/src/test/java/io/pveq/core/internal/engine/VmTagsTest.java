package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.Ipv4Address;
import io.pveq.core.OsRelease;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VmTagsTest {

    @Test
    void osAndIpTagsRoundTrip() {
        OsRelease ubuntu = OsRelease.of("ubuntu", "24.04");
        assertEquals("pveq-os-ubuntu-24.04", VmTags.osTag(ubuntu));
        assertEquals(Optional.of(ubuntu), VmTags.os(List.of("web", VmTags.MANAGED, VmTags.osTag(ubuntu))));
        assertEquals(Optional.of(OsRelease.of("rockylinux", "9")), VmTags.os(List.of("pveq-os-rockylinux-9")));
        assertEquals(Optional.empty(), VmTags.os(List.of("pveq-os-", "pveq-os-ubuntu", "pveq-os-Ubuntu-x", "os-debian-12")));
        Ipv4Address ip = Ipv4Address.of(192, 168, 0, 7);
        assertEquals(Optional.of(ip), VmTags.ip(List.of(VmTags.ipTag(ip))));
        assertEquals(Optional.empty(), VmTags.ip(List.of("pveq-ip-999.1.1.1")));
        assertTrue(VmTags.osTag(ubuntu).matches("[a-z0-9_][a-z0-9_\\-+.]*"), "Proxmox tag syntax");
        assertTrue(VmTags.ipTag(ip).matches("[a-z0-9_][a-z0-9_\\-+.]*"), "Proxmox tag syntax");
    }

}
