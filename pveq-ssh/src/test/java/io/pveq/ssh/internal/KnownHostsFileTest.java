package io.pveq.ssh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsFileTest {

    @TempDir
    Path temp;

    private static final byte[] KEY_A = blob("ssh-ed25519", 1);
    private static final byte[] KEY_B = blob("ssh-ed25519", 2);

    private static byte[] blob(String type, int seed) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[4 + name.length + 4 + 32];
        out[3] = (byte) name.length;
        System.arraycopy(name, 0, out, 4, name.length);
        out[4 + name.length + 3] = 32;
        for (int i = 0; i < 32; i++) {
            out[out.length - 32 + i] = (byte) (seed * 31 + i);
        }
        return out;
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private KnownHostsFile file(String... lines) throws Exception {
        Path path = temp.resolve("known_hosts");
        Files.writeString(path, String.join("\n", lines) + "\n");
        return KnownHostsFile.read(path);
    }

    @Test
    void plainEntryWithPortMatchesOnlyThatPort() throws Exception {
        KnownHostsFile file = file("# comment", "", "[node1.example]:2222 ssh-ed25519 " + b64(KEY_A));
        assertEquals(Optional.empty(), file.refusal("node1.example", 2222, "ssh-ed25519", KEY_A));
        assertEquals(Optional.of(List.of()), file.refusal("node1.example", 22, "ssh-ed25519", KEY_A));
    }

    @Test
    void differentKeyIsReportedWithTheRecordedFingerprint() throws Exception {
        KnownHostsFile file = file("node1,10.0.0.5 ssh-ed25519 " + b64(KEY_A));
        Optional<List<String>> refusal = file.refusal("10.0.0.5", 22, "ssh-ed25519", KEY_B);
        assertEquals(Optional.of(List.of("ssh-ed25519 " + Fingerprints.sha256(KEY_A))), refusal);
    }

    @Test
    void hashedEntryMatchesItsHostOnly() throws Exception {
        byte[] salt = new byte[20];
        salt[0] = 7;
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        String hash = b64(mac.doFinal("[pve1]:2200".getBytes(StandardCharsets.UTF_8)));
        KnownHostsFile file = file("|1|" + b64(salt) + "|" + hash + " ssh-ed25519 " + b64(KEY_A));
        assertEquals(Optional.empty(), file.refusal("pve1", 2200, "ssh-ed25519", KEY_A));
        assertEquals(Optional.of(List.of()), file.refusal("pve2", 2200, "ssh-ed25519", KEY_A));
    }

    @Test
    void wildcardsAndNegationFollowOpenSsh() {
        assertTrue(KnownHostsFile.hostFieldMatches("*.lab,!bad.lab", "pve1.lab"));
        assertFalse(KnownHostsFile.hostFieldMatches("*.lab,!bad.lab", "bad.lab"));
        assertTrue(KnownHostsFile.hostFieldMatches("pve?", "pve3"));
        assertFalse(KnownHostsFile.hostFieldMatches("pve?", "pve10"));
        assertTrue(KnownHostsFile.hostFieldMatches("PVE1", "pve1"));
    }

    @Test
    void revokedKeyIsRefusedEvenIfAlsoListed() throws Exception {
        KnownHostsFile file = file("@revoked * ssh-ed25519 " + b64(KEY_A), "node1 ssh-ed25519 " + b64(KEY_A));
        assertTrue(file.refusal("node1", 22, "ssh-ed25519", KEY_A).isPresent());
    }

    @Test
    void missingFileKnowsNoHost() throws Exception {
        KnownHostsFile file = KnownHostsFile.read(temp.resolve("absent"));
        assertEquals(Optional.of(List.of()), file.refusal("node1", 22, "ssh-ed25519", KEY_A));
    }
}
