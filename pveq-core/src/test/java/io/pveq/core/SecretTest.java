package io.pveq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void hidesItselfEverywhereButReveal() {
        Secret s = Secret.of("hunter2");
        assertEquals("******", s.toString());
        assertEquals("hunter2", s.reveal());
        assertEquals(7, s.length());
        assertEquals(Secret.of("hunter2"), s);
        assertNotEquals(Secret.of("hunter3"), s);
    }
}
