package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiTokenTest {

    private static final String SECRET = "9b6e0f5e-1234-4abc-8def-0123456789ab";

    @Test
    void parsesTheFormProxmoxShowsAndTheHeaderForm() {
        ApiToken token = ApiToken.parse("pveq@pve!provision=" + SECRET);
        assertEquals("pveq@pve", token.user());
        assertEquals("provision", token.tokenId());
        assertEquals("pveq@pve!provision", token.fullId());
        assertEquals("PVEAPIToken=pveq@pve!provision=" + SECRET, token.headerValue());
        assertEquals(token, ApiToken.parse("PVEAPIToken=pveq@pve!provision=" + SECRET));
    }

    @Test
    void neverShowsTheSecret() {
        ApiToken token = ApiToken.parse("root@pam!ci=" + SECRET);
        assertFalse(token.toString().contains(SECRET));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ApiToken.parse("root@pam:" + SECRET));
        assertFalse(e.getMessage().contains(SECRET));
        assertTrue(e.getMessage().contains("USER@REALM!TOKENID=SECRET"));
    }

    @Test
    void refusesAUserWithoutRealm() {
        assertThrows(IllegalArgumentException.class, () -> ApiToken.parse("root!ci=" + SECRET));
    }
}
