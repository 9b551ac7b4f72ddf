package io.pveq.sim.internal.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulated terminal's word splitting and termproxy's input framing. */
class ShellWordsTest {

    private static final String S = String.valueOf(ShellWords.STATUS);

    @Test
    void splitsCommandsAndWordsAsBashDoes() {
        assertEquals(List.of(List.of("echo", "a b", "it's", "x\"y", "$z"), List.of("echo", S)),
                ShellWords.parse("echo 'a b' 'it'\\''s' \"x\\\"y\" '$z'; echo $?"));
        assertEquals(List.of(List.of("echo", "PVEQBEGIN-1")), ShellWords.parse("echo PVEQ''BEGIN-1"));
        assertEquals(List.of(List.of("echo", "v" + S)), ShellWords.parse("echo \"v$?\""));
    }

    @Test
    void refusesWhatItDoesNotSimulate() {
        assertThrows(IllegalArgumentException.class, () -> ShellWords.parse("echo 'open"));
        assertThrows(IllegalArgumentException.class, () -> ShellWords.parse("cat /etc/hostname | wc"));
        assertThrows(IllegalArgumentException.class, () -> ShellWords.parse("echo $(id)"));
    }

    @Test
    void termproxyInputIsFramedByLength() {
        TermProxy.InputQueue queue = new TermProxy.InputQueue();
        queue.add("1:80:24:2".getBytes(StandardCharsets.US_ASCII));
        queue.add("0:5:ab".getBytes(StandardCharsets.US_ASCII));
        assertEquals(null, queue.next(), "resize and ping skipped, input incomplete");
        queue.add("c:d0:1:x".getBytes(StandardCharsets.US_ASCII));
        assertEquals("abc:d", new String(queue.next(), StandardCharsets.US_ASCII));
        assertEquals("x", new String(queue.next(), StandardCharsets.US_ASCII));
        assertEquals(null, queue.next());
    }
}
