package io.pveq.ssh.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellQuoteTest {

    @Test
    void wrapsEveryArgumentInSingleQuotes() {
        assertEquals("'qm' 'list'", ShellQuote.commandLine(List.of("qm", "list")));
        assertEquals("''", ShellQuote.quote(""));
        assertEquals("'$(id) `id` ; | & > \" \\'", ShellQuote.quote("$(id) `id` ; | & > \" \\"));
    }

    @Test
    void writesASingleQuoteAsCloseEscapeReopen() {
        assertEquals("'it'\\''s'", ShellQuote.quote("it's"));
        assertEquals("''\\'''\\'''", ShellQuote.quote("''"));
    }

    @Test
    void refusesNulWhichNoShellWordCanCarry() {
        assertThrows(IllegalArgumentException.class, () -> ShellQuote.quote("a\0b"));
    }
}
