package io.pveq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InstallSpecTest {

    static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFdWnYLQNTozAvLzTjp41udaD//G25Xll5ZexYnN+7Hq me@host";
    static final String ECDSA = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBO0bsTwb/71M2e/7lUTy66mYwR68plzGSLbtXWE8lPNz3NRnWMVynYcS7yHE8x6npmjRiKWyobNvNR4yDU7XMu8=";
    static final String RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCq4JRDHMJKvodMrBd/g9/6CTSBhn9aG4ND2ophP1nlqXKwXrbK1Qo8CJXVe9Ei4rf2zs4xzR3CBxyk/Km/YV68QY45zmAl4bqaCugmyZSQEpnRbKfClwDTIODkkIJSRiJr7a0/Nf/evNMYreecvUkdYk9EJ7l7+M6LjnNZZ91iUzdSAgu9FSHP7G8Gos3dLVgX+SFErGdQC6de6urgB7LwU8KNQ3SDZsR8zF+WpbDnmjGPdJlGYZOiTAH8nPjWh1glAdS4C20kx+D/8nVXBUjBX0ic/L+o/JJvByXzgGj50k2kpVfeEeIWvqBHVVKzj6IMWQEjG+pGJcZS24KcWoUl";

    private static InstallSpec.Builder minimal() {
        return InstallSpec.builder(OsRelease.of("ubuntu", "24.04"));
    }

    private static SshPublicKey key(String line) {
        return SshPublicKey.parse("publicKey", line);
    }

    @Test
    void fillsDocumentedDefaultsWhenOnlyOsAndVersionAreGiven() {
        InstallSpec spec = minimal().build();
        assertEquals(OsRelease.of("ubuntu", "24.04"), spec.release());
        assertEquals(2, spec.cpu());
        assertEquals(2048, spec.ramMb());
        assertEquals(DiskSize.ofGiB(16), spec.disk());
        assertEquals("ubuntu", spec.user());
        assertEquals(Optional.empty(), spec.name());
        assertEquals(Optional.empty(), spec.id());
        assertEquals(Optional.empty(), spec.node());
        assertEquals(Optional.empty(), spec.password());
        assertEquals(Optional.empty(), spec.publicKey());
    }

    @Test
    void defaultUserFollowsTheOs() {
        assertEquals("debian", InstallSpec.builder(OsRelease.of("debian", "12")).build().user());
        assertEquals("rocky", InstallSpec.builder(OsRelease.of("rockylinux", "9")).build().user());
        assertEquals("ubuntu", InstallSpec.builder(OsRelease.of("ubuntu", "22.04")).build().user());
    }

    @Test
    void acceptsAFullValidRequest() {
        InstallSpec spec = minimal().name("web-01").id(VmId.of(101)).node(NodeName.of("pve2")).cpu(32).ramMb(512)
                .disk(DiskSize.ofGiB(40)).user("deploy").password(Secret.of("s3cr3t-passw0rd")).publicKey(key(ED25519))
                .build();
        assertEquals(Optional.of("web-01"), spec.name());
        assertEquals(Optional.of(VmId.of(101)), spec.id());
        assertEquals(Optional.of(NodeName.of("pve2")), spec.node());
        assertEquals(32, spec.cpu());
        assertEquals(512, spec.ramMb());
        assertEquals(DiskSize.ofGiB(40), spec.disk());
        assertEquals("deploy", spec.user());
        assertEquals("s3cr3t-passw0rd", spec.password().orElseThrow().reveal());
        assertEquals("ssh-ed25519", spec.publicKey().orElseThrow().type());
        assertEquals("me@host", spec.publicKey().orElseThrow().comment());
        assertEquals(ED25519, spec.publicKey().orElseThrow().line());
    }

    @Test
    void treatsNullAsNotGiven() {
        InstallSpec spec = minimal().name(null).node(null).id(null).user(null).password(null).publicKey(null).build();
        assertEquals(Optional.empty(), spec.name());
        assertEquals(Optional.empty(), spec.node());
        assertEquals("ubuntu", spec.user());
        assertEquals(Optional.empty(), spec.password());
        assertEquals(Optional.empty(), spec.publicKey());
        assertFalse(spec.upgradePackages(), "no package upgrade at first boot unless asked");
    }

    @Test
    void neverShowsThePasswordInToString() {
        InstallSpec spec = minimal().password(Secret.of("hunter2-is-long")).build();
        assertFalse(spec.toString().contains("hunter2"), spec.toString());
        assertTrue(spec.toString().contains("password=******"), spec.toString());
    }

    @Test
    void toBuilderRoundTrips() {
        InstallSpec spec = minimal().name("a").id(VmId.of(150)).node(NodeName.of("pve3")).cpu(4).ramMb(4096)
                .disk(DiskSize.ofGiB(20)).user("ops").password(Secret.of("0123456789ab")).publicKey(key(ECDSA))
                .upgradePackages(true).build();
        assertEquals(spec, spec.toBuilder().build());
    }

    @Test
    void acceptsEveryCommonKeyType() {
        for (String key : new String[] {ED25519, ECDSA, RSA, ECDSA + " ", ED25519 + " with  spaces"}) {
            assertTrue(minimal().publicKey(key(key)).build().publicKey().isPresent(), key);
        }
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("os", b -> InstallSpec.builder(OsRelease.of("Debian", "12"))),
                bad("os", b -> InstallSpec.builder(OsRelease.of("deb ian", "12"))),
                bad("version", b -> InstallSpec.builder(OsRelease.of("debian", "12; rm -rf /"))),
                bad("version", b -> InstallSpec.builder(OsRelease.of("debian", "bookworm"))),
                bad("name", b -> b.name("web_01")),
                bad("name", b -> b.name("-web")),
                bad("name", b -> b.name("web-")),
                bad("name", b -> b.name("web.example.com")),
                bad("name", b -> b.name("a".repeat(64))),
                bad("name", b -> b.name("we b")),
                bad("id", b -> b.id(VmId.parse("id", "99"))),
                bad("id", b -> b.id(VmId.parse("id", "-5"))),
                bad("id", b -> b.id(VmId.parse("id", "1000000000"))),
                bad("node", b -> b.node(NodeName.of("pve 2"))),
                bad("node", b -> b.node(NodeName.of("pve2;reboot"))),
                bad("node", b -> b.node(NodeName.of("-pve"))),
                bad("cpu", b -> b.cpu(0)),
                bad("cpu", b -> b.cpu(33)),
                bad("cpu", b -> b.cpu(-1)),
                bad("ram", b -> b.ramMb(511)),
                bad("ram", b -> b.ramMb(0)),
                bad("ram", b -> b.ramMb(Integer.MAX_VALUE)),
                bad("disk", b -> b.disk(DiskSize.parse("disk", "15G"))),
                bad("disk", b -> b.disk(DiskSize.parse("disk", "16"))),
                bad("disk", b -> b.disk(DiskSize.parse("disk", "16GB"))),
                bad("disk", b -> b.disk(DiskSize.parse("disk", "16g"))),
                bad("disk", b -> b.disk(DiskSize.parse("disk", "+20G"))),
                bad("disk", b -> b.disk(DiskSize.parse("disk", "-20G"))),
                bad("disk", b -> b.disk(DiskSize.parse("disk", "65537G"))),
                bad("disk", b -> b.disk(DiskSize.parse("disk", "20 G"))),
                bad("user", b -> b.user("Deploy")),
                bad("user", b -> b.user("1deploy")),
                bad("user", b -> b.user("de ploy")),
                bad("user", b -> b.user("deploy;id")),
                bad("user", b -> b.user("a".repeat(33))),
                bad("user", b -> b.user("root")),
                bad("user", b -> b.user("nobody")),
                bad("password", b -> b.password(Secret.of("short"))),
                bad("password", b -> b.password(Secret.of("x".repeat(129)))),
                bad("password", b -> b.password(Secret.of("line1\nline2xx"))),
                bad("password", b -> b.password(Secret.of("tab\there-xx"))),
                bad("password", b -> b.password(Secret.of("nul\u0000here-xx"))),
                bad("publicKey", b -> b.publicKey(key("not a key"))),
                bad("publicKey", b -> b.publicKey(key("ssh-ed25519"))),
                bad("publicKey", b -> b.publicKey(key("ssh-dss AAAAB3NzaC1kc3MAAACBAP"))),
                bad("publicKey", b -> b.publicKey(key("ssh-ed25519 !!!notbase64!!!"))),
                bad("publicKey", b -> b.publicKey(key(ED25519 + "\n"))),
                bad("publicKey", b -> b.publicKey(key(ED25519 + "\n" + ECDSA))),
                bad("publicKey", b -> b.publicKey(key("command=\"/bin/sh\" " + ED25519))),
                bad("publicKey", b -> b.publicKey(key("ssh-rsa " + ED25519.split(" ")[1]))),
                bad("publicKey", b -> b.publicKey(key("ssh-ed25519 " + "QUFBQQ=="))),
                bad("publicKey", b -> b.publicKey(key(ED25519 + " " + "c".repeat(9000)))));
    }

    private static Arguments bad(String field, UnaryOperator<InstallSpec.Builder> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "[{index}] rejects bad {0}")
    @MethodSource("badValues")
    void rejectsBadValueNamingTheField(String field, UnaryOperator<InstallSpec.Builder> change) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> change.apply(minimal()).build());
        assertEquals(field, e.field(), e.getMessage());
        assertFalse(e.rule().isBlank());
    }

    @Test
    void passwordNeverAppearsInItsOwnValidationMessage() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> minimal().password(Secret.of("sec\nret-xyz")).build());
        assertFalse(e.getMessage().contains("ret-xyz"), e.getMessage());
    }

    @Test
    void publicKeyRecordValidatesItsParts() {
        SshPublicKey k = SshPublicKey.parse("pubkey", ED25519);
        assertEquals(k, new SshPublicKey(k.type(), k.base64(), k.comment()));
        assertEquals("pubkey", assertThrows(InvalidSpecException.class,
                () -> new SshPublicKey("ssh-rsa", k.base64(), "")).field());
        assertEquals("pubkey", assertThrows(InvalidSpecException.class,
                () -> new SshPublicKey(k.type(), k.base64(), "evil\nssh-rsa AAAA")).field());
        assertEquals("key", assertThrows(InvalidSpecException.class, () -> SshPublicKey.parse("key", "x")).field());
    }

    @Test
    void canonicalConstructorValidatesToo() {
        InstallSpec ok = minimal().build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> new InstallSpec(ok.release(), ok.name(),
                ok.id(), ok.node(), 64, ok.ramMb(), ok.disk(), ok.user(), ok.password(), ok.publicKey(), false));
        assertEquals("cpu", e.field());
        e = assertThrows(InvalidSpecException.class, () -> new InstallSpec(ok.release(), Optional.of("a_b"), ok.id(),
                ok.node(), 2, ok.ramMb(), ok.disk(), ok.user(), ok.password(), ok.publicKey(), false));
        assertEquals("name", e.field());
        e = assertThrows(InvalidSpecException.class, () -> new InstallSpec(ok.release(), ok.name(), ok.id(), ok.node(),
                2, ok.ramMb(), ok.disk(), ok.user(), Optional.of(Secret.of("x")), ok.publicKey(), false));
        assertEquals("password", e.field());
    }
}
