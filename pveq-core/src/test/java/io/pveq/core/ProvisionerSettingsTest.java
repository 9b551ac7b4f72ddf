package io.pveq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProvisionerSettingsTest {

    private static ProvisionerSettings.Builder referenceEnv() {
        return ProvisionerSettings.builder().mainNode("pve1").node("pve1", "192.168.0.11").node("pve2", "192.168.0.12")
                .node("pve3", "pve3.example.com").storage("local-zfs").gateway("192.168.0.1").ipRange(100, 254)
                .limits(32, 32768, 64, 2048).rootPassword("");
    }

    @Test
    void buildsTheReferenceExampleWithNeutralDefaults() {
        ProvisionerSettings s = referenceEnv().build();
        assertEquals(NodeName.of("pve1"), s.mainNode());
        assertEquals(List.of(NodeName.of("pve1"), NodeName.of("pve2"), NodeName.of("pve3")), s.configuredNodes());
        assertEquals("local-zfs", s.storage());
        assertEquals(24, s.network().prefixLength());
        assertEquals("vmbr0", s.network().bridge());
        assertEquals(AddressingMode.DEFAULT, s.network().addressing());
        assertEquals(List.of(), s.network().nameservers());
        assertEquals(new VmLimits(OptionalInt.of(32), OptionalInt.of(32768), OptionalInt.of(64), OptionalInt.of(2048)),
                s.limits());
        assertEquals(Optional.empty(), s.rootPassword());
        assertEquals(Optional.empty(), s.cpuOverride());
        assertEquals(ProvisionerSettings.Timeouts.DEFAULTS, s.timeouts());
        assertEquals(2, s.heavyTasksPerNode());
    }

    @Test
    void derivesVmAddressesFromTheGatewayAndVmid() {
        NetworkSettings n = referenceEnv().build().network();
        assertEquals("192.168.0.101/24", n.addressFor(VmId.of(101)).orElseThrow().toString());
        assertEquals("192.168.0.0/24", n.subnet().toString());
        assertEquals(Optional.empty(), n.addressFor(VmId.of(300)));
        assertEquals("id", assertThrows(InvalidSpecException.class, () -> n.checkRequestedId(VmId.of(99_999))).field());
        NetworkSettings narrow = referenceEnv().ipRange(150, 160).build().network();
        assertEquals("id", assertThrows(InvalidSpecException.class, () -> narrow.checkRequestedId(VmId.of(149))).field());
        assertEquals(VmId.of(160), narrow.checkRequestedId(VmId.of(160)));
    }

    @Test
    void acceptsPveqsOwnSettings() {
        ProvisionerSettings s = referenceEnv().prefixLength(16).bridge("vmbr1").nameservers("1.1.1.1, 9.9.9.9")
                .searchDomain("lab.example.org").cpuType("x86-64-v2-AES").rootPassword("r00t-pass")
                .heavyTasksPerNode(4).timeouts(new ProvisionerSettings.Timeouts(Duration.ofSeconds(30),
                        Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(1),
                        Duration.ofMillis(100), Duration.ofMinutes(1), Duration.ofMinutes(30))).build();
        assertEquals(16, s.network().prefixLength());
        assertEquals(List.of(Ipv4Address.of(1, 1, 1, 1), Ipv4Address.of(9, 9, 9, 9)), s.network().nameservers());
        assertEquals(Optional.of(CpuLevel.X86_64_V2_AES), s.cpuOverride());
        assertEquals("r00t-pass", s.rootPassword().orElseThrow().reveal());
        assertFalse(s.toString().contains("r00t-pass"), s.toString());
        AddressingMode.Pool pool = (AddressingMode.Pool) referenceEnv().ipPool("192.168.0.50-192.168.0.99").build()
                .network().addressing();
        assertEquals(50, pool.size());
        assertEquals("192.168.0.50-192.168.0.99", pool.describe());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad("MAIN_NODE", b -> ProvisionerSettings.builder().storage("local").gateway("10.0.0.1")),
                bad("MAIN_NODE", b -> b.mainNode("pve 1")),
                bad("NODE_pve 2", b -> b.node("pve 2", "192.168.0.12")),
                bad("NODE_pve2", b -> b.node("pve2", "192.168.0.12; reboot")),
                bad("NODE_pve2", b -> b.node("pve2", "")),
                bad("ASSIGN_STORAGE", b -> ProvisionerSettings.builder().mainNode("pve1").gateway("10.0.0.1")),
                bad("ASSIGN_STORAGE", b -> b.storage("Local ZFS")),
                bad("GATEWAY", b -> ProvisionerSettings.builder().mainNode("pve1").storage("local")),
                bad("GATEWAY", b -> b.gateway("192.168.0")),
                bad("GATEWAY", b -> b.gateway("192.168.0.0")),
                bad("PREFIX_LENGTH", b -> b.prefixLength(31)),
                bad("PREFIX_LENGTH", b -> b.prefixLength(7)),
                bad("PREFIX_LENGTH", b -> b.prefixLength(25)),
                bad("ASSIGN_IP_START", b -> b.ipRange(99, 254)),
                bad("ASSIGN_IP_END", b -> b.ipRange(100, 255)),
                bad("ASSIGN_IP_END", b -> b.ipRange(200, 150)),
                bad("ASSIGN_IP_START", b -> b.gateway("192.168.0.150")),
                bad("IP_POOL", b -> b.ipPool("192.168.0.50")),
                bad("IP_POOL", b -> b.ipPool("192.168.0.99-192.168.0.50")),
                bad("IP_POOL", b -> b.ipPool("192.168.1.50-192.168.1.99")),
                bad("IP_POOL", b -> b.ipPool("192.168.0.0-192.168.0.20")),
                bad("IP_POOL", b -> b.ipPool("192.168.0.1-192.168.0.20")),
                bad("BRIDGE", b -> b.bridge("vmbr0; ip link del vmbr0")),
                bad("BRIDGE", b -> b.bridge("averyveryverylongbridgename")),
                bad("NAMESERVERS", b -> b.nameservers("1.1.1.1,dns.google")),
                bad("NAMESERVERS", b -> b.nameservers("1.1.1.1,1.0.0.1,8.8.8.8,8.8.4.4")),
                bad("SEARCH_DOMAIN", b -> b.searchDomain("lab..example")),
                bad("VM_MAX_CPU", b -> b.limits(64, null, null, null)),
                bad("VM_MAX_RAM", b -> b.limits(null, 100, null, null)),
                bad("VM_MAX_DISK", b -> b.limits(null, null, 10, null)),
                bad("VM_BALLOON_MIN", b -> b.limits(null, 1024, null, 4096)),
                bad("VM_ROOT_PASSWORD", b -> b.rootPassword("line\nbreak")),
                bad("CPU_TYPE", b -> b.cpuType("x86-64-v1")),
                bad("NODE_HEAVY_TASKS", b -> b.heavyTasksPerNode(0)));
    }

    private static Arguments bad(String setting, UnaryOperator<ProvisionerSettings.Builder> change) {
        return Arguments.of(setting, change);
    }

    @ParameterizedTest(name = "[{index}] rejects bad {0}")
    @MethodSource("badSettings")
    void rejectsBadSettingNamingIt(String setting, UnaryOperator<ProvisionerSettings.Builder> change) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> change.apply(referenceEnv()).build());
        assertEquals(setting, e.field(), e.getMessage());
    }

    @Test
    void timeoutsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ProvisionerSettings.Timeouts(Duration.ZERO,
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofMillis(1), Duration.ofMinutes(1), Duration.ofMinutes(1)));
    }
}
