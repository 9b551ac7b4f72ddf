package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.InvalidSpecException;
import org.junit.jupiter.api.Test;

class SshKeysTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHg0+/= alice@example.org";

    @Test
    void encodesSpacesAsPercent20AndPlusAsPercent2B() {
        String encoded = SshKeys.encode(KEY + "\n");
        assertEquals("ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIHg0%2B%2F%3D%20alice%40example.org%0A", encoded);
        assertFalse(encoded.contains("+"));
        assertFalse(encoded.contains(" "));
    }

    @Test
    void decodeIsTheInverseAndKeepsLiteralPlus() {
        String text = KEY + "\nssh-rsa AAAA bob's key (ü)\n";
        assertEquals(text, SshKeys.decode(SshKeys.encode(text)));
        assertEquals("a+b c", SshKeys.decode("a+b%20c"));
    }

    @Test
    void decodeRejectsBrokenEscapes() {
        assertThrows(IllegalArgumentException.class, () -> SshKeys.decode("abc%2"));
        assertThrows(IllegalArgumentException.class, () -> SshKeys.decode("abc%zz"));
    }

    @Test
    void normalizeKeepsKeysDropsBlanksAndComments() {
        assertEquals(KEY + "\n", SshKeys.normalize("\n# mine\n  " + KEY + "  \n\n"));
        assertTrue(SshKeys.normalize(KEY + "\r\necdsa-sha2-nistp256 AAAAE2Vj=\n").endsWith("AAAAE2Vj=\n"));
    }

    @Test
    void normalizeRejectsTextThatIsNotAPublicKey() {
        assertThrows(InvalidSpecException.class, () -> SshKeys.normalize("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assertThrows(InvalidSpecException.class, () -> SshKeys.normalize("  \n# only a comment\n"));
        assertThrows(InvalidSpecException.class, () -> SshKeys.normalize("ssh-ed25519 !!not-base64"));
        assertThrows(InvalidSpecException.class, () -> SshKeys.normalize("ssh-ed25519"));
    }
}
