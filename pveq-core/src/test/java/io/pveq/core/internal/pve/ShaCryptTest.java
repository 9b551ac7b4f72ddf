package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.testing.TestPeer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShaCryptTest {

    @Test
    void matchesTheSpecificationsSha512Vectors() {
        assertEquals("$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
                ShaCrypt.crypt("Hello world!", "$6$saltstring"));
        assertEquals("$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeH"
                + "By/YTBmSK6H9qs/y3RnOaw5v.", ShaCrypt.crypt("Hello world!", "$6$rounds=10000$saltstringsaltstring"));
        assertEquals("$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1J"
                + "Sbq3y6JMxxl8audkUEm0", ShaCrypt.crypt("This is just a test", "$6$rounds=5000$toolongsaltstring"));
        assertEquals("$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0"
                + "dqbpBYYBaHHrsX.", ShaCrypt.crypt("the minimum number is still observed", "$6$rounds=10$roundstoolow"));
    }

    @Test
    void agreesWithOpensslForPasswordsAsPveqSendsThem() throws Exception {
        String[] passwords = {"pw", "t0p secret", "ünïcödé-pässwörd", "a-password-longer-than-sixty-four-bytes-"
                + "so-the-repeated-blocks-wrap-around-more-than-once!!"};
        for (String password : passwords) {
            String ours = ShaCrypt.crypt(password, "$6$saltsaltSALT12");
            String theirs = openssl(password, "saltsaltSALT12");
            assertEquals(theirs, ours, password);
        }
    }

    @Test
    void hashUsesAFreshSixteenCharacterSaltAndDefaultRounds() {
        String one = ShaCrypt.hash("pw");
        String two = ShaCrypt.hash("pw");
        assertNotEquals(one, two);
        assertTrue(one.matches("\\$6\\$[./0-9A-Za-z]{16}\\$[./0-9A-Za-z]{86}"), one);
        assertEquals(one, ShaCrypt.crypt("pw", one), "a hash verifies against itself");
        assertTrue(ShaCrypt.isHashed(one));
        assertFalse(ShaCrypt.isHashed("plain $6$ not at the start"));
    }

    private static String openssl(String password, String salt) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(TestPeer.OPENSSL.require().toString(), "passwd", "-6", "-salt", salt, "-stdin")
                .redirectErrorStream(true).start();
        p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl passwd -6 failed: " + out);
        return out;
    }
}
