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
        return InstallSpec.builder().os("ubuntu").version("24.04");
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
        assertEquals("debian", InstallSpec.builder().os("debian").version("12").build().user());
        assertEquals("rocky", InstallSpec.builder().os("rockylinux").version("9").build().user());
        assertEquals("ubuntu", InstallSpec.builder().os("ubuntu").version("22.04").build().user());
    }

    @Test
    void acceptsAFullValidRequest() {
        InstallSpec spec = minimal().name("web-01").id(101).node("pve2").cpu(32).ram(512).disk("40G")
                .user("deploy").passwd("s3cr3t-passw0rd").pubkey(ED25519).build();
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
    void treatsEmptyOptionalTextAsNotGiven() {
        InstallSpec spec = minimal().name("").node("").disk("").user("").passwd("").pubkey("").build();
        assertEquals(Optional.empty(), spec.name());
        assertEquals(Optional.empty(), spec.node());
        assertEquals(DiskSize.ofGiB(16), spec.disk());
        assertEquals("ubuntu", spec.user());
        assertEquals(Optional.empty(), spec.password());
        assertEquals(Optional.empty(), spec.publicKey());
    }

    @Test
    void neverShowsThePasswordInToString() {
        InstallSpec spec = minimal().passwd("hunter2-is-long").build();
        assertFalse(spec.toString().contains("hunter2"), spec.toString());
        assertTrue(spec.toString().contains("passwd=******"), spec.toString());
    }

    @Test
    void toBuilderRoundTrips() {
        InstallSpec spec = minimal().name("a").id(150).node("pve3").cpu(4).ram(4096).disk("20G").user("ops")
                .passwd("0123456789ab").pubkey(ECDSA).build();
        assertEquals(spec, spec.toBuilder().build());
    }

    @Test
    void acceptsEveryCommonKeyType() {
        for (String key : new String[] {ED25519, ECDSA, RSA, ECDSA + " ", ED25519 + " with  spaces"}) {
            assertTrue(minimal().pubkey(key).build().publicKey().isPresent(), key);
        }
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("os", b -> InstallSpec.builder().version("12")),
                bad("os", b -> InstallSpec.builder().os("Debian").version("12")),
                bad("os", b -> InstallSpec.builder().os("deb ian").version("12")),
                bad("version", b -> InstallSpec.builder().os("debian")),
                bad("version", b -> InstallSpec.builder().os("debian").version("12; rm -rf /")),
                bad("version", b -> InstallSpec.builder().os("debian").version("bookworm")),
                bad("name", b -> b.name("web_01")),
                bad("name", b -> b.name("-web")),
                bad("name", b -> b.name("web-")),
                bad("name", b -> b.name("web.example.com")),
                bad("name", b -> b.name("a".repeat(64))),
                bad("name", b -> b.name("we b")),
                bad("id", b -> b.id(99)),
                bad("id", b -> b.id(0)),
                bad("id", b -> b.id(-5)),
                bad("id", b -> b.id(1_000_000_000)),
                bad("node", b -> b.node("pve 2")),
                bad("node", b -> b.node("pve2;reboot")),
                bad("node", b -> b.node("-pve")),
                bad("cpu", b -> b.cpu(0)),
                bad("cpu", b -> b.cpu(33)),
                bad("cpu", b -> b.cpu(-1)),
                bad("ram", b -> b.ram(511)),
                bad("ram", b -> b.ram(0)),
                bad("ram", b -> b.ram(Integer.MAX_VALUE)),
                bad("disk", b -> b.disk("15G")),
                bad("disk", b -> b.disk("16")),
                bad("disk", b -> b.disk("16GB")),
                bad("disk", b -> b.disk("16g")),
                bad("disk", b -> b.disk("+20G")),
                bad("disk", b -> b.disk("-20G")),
                bad("disk", b -> b.disk("65537G")),
                bad("disk", b -> b.disk("20 G")),
                bad("user", b -> b.user("Deploy")),
                bad("user", b -> b.user("1deploy")),
                bad("user", b -> b.user("de ploy")),
                bad("user", b -> b.user("deploy;id")),
                bad("user", b -> b.user("a".repeat(33))),
                bad("user", b -> b.user("root")),
                bad("user", b -> b.user("nobody")),
                bad("passwd", b -> b.passwd("short")),
                bad("passwd", b -> b.passwd("x".repeat(129))),
                bad("passwd", b -> b.passwd("line1\nline2xx")),
                bad("passwd", b -> b.passwd("tab\there-xx")),
                bad("passwd", b -> b.passwd("nul\u0000here-xx")),
                bad("pubkey", b -> b.pubkey("not a key")),
                bad("pubkey", b -> b.pubkey("ssh-ed25519")),
                bad("pubkey", b -> b.pubkey("ssh-dss AAAAB3NzaC1kc3MAAACBAP")),
                bad("pubkey", b -> b.pubkey("ssh-ed25519 !!!notbase64!!!")),
                bad("pubkey", b -> b.pubkey(ED25519 + "\n")),
                bad("pubkey", b -> b.pubkey(ED25519 + "\n" + ECDSA)),
                bad("pubkey", b -> b.pubkey("command=\"/bin/sh\" " + ED25519)),
                bad("pubkey", b -> b.pubkey("ssh-rsa " + ED25519.split(" ")[1])),
                bad("pubkey", b -> b.pubkey("ssh-ed25519 " + "QUFBQQ==")),
                bad("pubkey", b -> b.pubkey(ED25519 + " " + "c".repeat(9000))));
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
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> minimal().passwd("sec\nret-xyz").build());
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
                ok.id(), ok.node(), 64, ok.ramMb(), ok.disk(), ok.user(), ok.password(), ok.publicKey()));
        assertEquals("cpu", e.field());
        e = assertThrows(InvalidSpecException.class, () -> new InstallSpec(ok.release(), Optional.of("a_b"), ok.id(),
                ok.node(), 2, ok.ramMb(), ok.disk(), ok.user(), ok.password(), ok.publicKey()));
        assertEquals("name", e.field());
        e = assertThrows(InvalidSpecException.class, () -> new InstallSpec(ok.release(), ok.name(), ok.id(), ok.node(),
                2, ok.ramMb(), ok.disk(), ok.user(), Optional.of(Secret.of("x")), ok.publicKey()));
        assertEquals("passwd", e.field());
    }
}
