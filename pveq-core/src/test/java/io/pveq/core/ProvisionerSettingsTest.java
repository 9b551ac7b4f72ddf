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

    private static final Ipv4Address GATEWAY = Ipv4Address.of(192, 168, 0, 1);

    private static ProvisionerSettings.Builder reference() {
        return ProvisionerSettings.builder().mainNode(NodeName.of("pve1")).storage("local-zfs").gateway(GATEWAY)
                .ipRange(100, 254).limits(limits(32, 32768, 64, 2048));
    }

    private static VmLimits limits(Integer cpu, Integer ram, Integer disk, Integer balloon) {
        return new VmLimits(opt(cpu), opt(ram), opt(disk), opt(balloon));
    }

    private static OptionalInt opt(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    private static Ipv4Address ip(String text) {
        return Ipv4Address.of(text);
    }

    @Test
    void buildsTheReferenceExampleWithNeutralDefaults() {
        ProvisionerSettings s = reference().build();
        assertEquals(Optional.of(NodeName.of("pve1")), s.mainNode());
        assertEquals("local-zfs", s.storage());
        assertEquals(24, s.network().prefixLength());
        assertEquals("vmbr0", s.network().bridge());
        assertEquals(AddressingMode.DEFAULT, s.network().addressing());
        assertEquals(List.of(), s.network().nameservers());
        assertEquals(limits(32, 32768, 64, 2048), s.limits());
        assertEquals(Optional.empty(), s.rootPassword());
        assertEquals(Optional.empty(), s.cpuOverride());
        assertEquals(ProvisionerSettings.Timeouts.DEFAULTS, s.timeouts());
        assertEquals(2, s.heavyTasksPerNode());
        assertEquals(ImagePlacement.AUTO, s.imagePlacement());
        assertEquals(Optional.empty(), s.imageStorage());
        assertEquals(GuestAccessMode.AUTO, s.guestAccess());
    }

    @Test
    void theMainNodeIsOptional() {
        assertEquals(Optional.empty(), ProvisionerSettings.builder().storage("local").gateway(GATEWAY).build().mainNode());
    }

    @Test
    void derivesVmAddressesFromTheGatewayAndVmid() {
        NetworkSettings n = reference().build().network();
        assertEquals("192.168.0.101/24", n.addressFor(VmId.of(101)).orElseThrow().toString());
        assertEquals("192.168.0.0/24", n.subnet().toString());
        assertEquals(Optional.empty(), n.addressFor(VmId.of(300)));
        assertEquals("id", assertThrows(InvalidSpecException.class, () -> n.checkRequestedId(VmId.of(99_999))).field());
        NetworkSettings narrow = reference().ipRange(150, 160).build().network();
        assertEquals("id", assertThrows(InvalidSpecException.class, () -> narrow.checkRequestedId(VmId.of(149))).field());
        assertEquals(VmId.of(160), narrow.checkRequestedId(VmId.of(160)));
    }

    @Test
    void acceptsPveqsOwnSettings() {
        ProvisionerSettings s = reference().prefixLength(16).bridge("vmbr1").nameservers(List.of(ip("1.1.1.1"),
                        ip("9.9.9.9"))).searchDomain("lab.example.org").cpuType(CpuLevel.X86_64_V2_AES)
                .rootPassword(Secret.of("r00t-pass")).heavyTasksPerNode(4).imagePlacement(ImagePlacement.UPLOAD)
                .imageStorage("nfs-images").guestAccess(GuestAccessMode.SSH)
                .timeouts(new ProvisionerSettings.Timeouts(Duration.ofSeconds(30),
                        Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(1),
                        Duration.ofMillis(100), Duration.ofMinutes(1), Duration.ofMinutes(30))).build();
        assertEquals(16, s.network().prefixLength());
        assertEquals(List.of(Ipv4Address.of(1, 1, 1, 1), Ipv4Address.of(9, 9, 9, 9)), s.network().nameservers());
        assertEquals(Optional.of(CpuLevel.X86_64_V2_AES), s.cpuOverride());
        assertEquals("r00t-pass", s.rootPassword().orElseThrow().reveal());
        assertFalse(s.toString().contains("r00t-pass"), s.toString());
        assertEquals(Optional.of("nfs-images"), s.imageStorage());
        AddressingMode.Pool pool = (AddressingMode.Pool) reference().ipPool(ip("192.168.0.50"), ip("192.168.0.99"))
                .build().network().addressing();
        assertEquals(50, pool.size());
        assertEquals("192.168.0.50-192.168.0.99", pool.describe());
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad("storage", b -> ProvisionerSettings.builder().gateway(GATEWAY)),
                bad("storage", b -> b.storage("Local ZFS")),
                bad("gateway", b -> ProvisionerSettings.builder().storage("local")),
                bad("gateway", b -> b.gateway(ip("192.168.0.0"))),
                bad("prefixLength", b -> b.prefixLength(31)),
                bad("prefixLength", b -> b.prefixLength(7)),
                bad("prefixLength", b -> b.prefixLength(25)),
                bad("ipRangeStart", b -> b.ipRange(99, 254)),
                bad("ipRangeEnd", b -> b.ipRange(100, 255)),
                bad("ipRangeEnd", b -> b.ipRange(200, 150)),
                bad("ipRangeStart", b -> b.gateway(ip("192.168.0.150"))),
                bad("ipPool", b -> b.ipPool(ip("192.168.0.99"), ip("192.168.0.50"))),
                bad("ipPool", b -> b.ipPool(ip("192.168.1.50"), ip("192.168.1.99"))),
                bad("ipPool", b -> b.ipPool(ip("192.168.0.0"), ip("192.168.0.20"))),
                bad("ipPool", b -> b.ipPool(ip("192.168.0.1"), ip("192.168.0.20"))),
                bad("bridge", b -> b.bridge("vmbr0; ip link del vmbr0")),
                bad("bridge", b -> b.bridge("averyveryverylongbridgename")),
                bad("nameservers", b -> b.nameservers(List.of(ip("1.1.1.1"), ip("1.0.0.1"), ip("8.8.8.8"), ip("8.8.4.4")))),
                bad("searchDomain", b -> b.searchDomain("lab..example")),
                bad("maxCpu", b -> b.limits(limits(64, null, null, null))),
                bad("maxRamMb", b -> b.limits(limits(null, 100, null, null))),
                bad("maxDiskGb", b -> b.limits(limits(null, null, 10, null))),
                bad("balloonMinMb", b -> b.limits(limits(null, 1024, null, 4096))),
                bad("rootPassword", b -> b.rootPassword(Secret.of("line\nbreak"))),
                bad("cpu", b -> b.cpuType(CpuLevel.fromModel("cpu", "x86-64-v1"))),
                bad("heavyTasksPerNode", b -> b.heavyTasksPerNode(0)),
                bad("imageStorage", b -> b.imageStorage("Local Images")));
    }

    private static Arguments bad(String setting, UnaryOperator<ProvisionerSettings.Builder> change) {
        return Arguments.of(setting, change);
    }

    @ParameterizedTest(name = "[{index}] rejects bad {0}")
    @MethodSource("badSettings")
    void rejectsBadSettingNamingIt(String setting, UnaryOperator<ProvisionerSettings.Builder> change) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> change.apply(reference()).build());
        assertEquals(setting, e.field(), e.getMessage());
        assertFalse(e.getMessage().matches(".*\\b(VM_MAX|ASSIGN_|GATEWAY|PREFIX_LENGTH|IP_POOL)\\w*.*"),
                "core speaks no environment variable names: " + e.getMessage());
    }

    @Test
    void timeoutsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ProvisionerSettings.Timeouts(Duration.ZERO,
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofMillis(1), Duration.ofMinutes(1), Duration.ofMinutes(1)));
    }
}
