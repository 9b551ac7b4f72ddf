package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.NodeName;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpidTest {

    @Test
    void readsEveryFieldOfAProxmoxTaskId() {
        Upid upid = Upid.parse("UPID:pve2:0002A4F1:01B3C5D7:67A1B2C3:qmcreate:101:pveq@pve!provision:");
        assertEquals(NodeName.of("pve2"), upid.node());
        assertEquals(0x2A4F1, upid.pid());
        assertEquals(0x1B3C5D7, upid.pstart());
        assertEquals(Instant.ofEpochSecond(0x67A1B2C3L), upid.startTime());
        assertEquals("qmcreate", upid.type());
        assertEquals("101", upid.id());
        assertEquals("pveq@pve!provision", upid.user());
        assertEquals("UPID:pve2:0002A4F1:01B3C5D7:67A1B2C3:qmcreate:101:pveq@pve!provision:", upid.toString());
    }

    @Test
    void acceptsNineHexDigitsOfProcessStartAndAnEmptyId() {
        Upid upid = Upid.parse("UPID:pve1:00001234:1234ABCDE:67A1B2C3:download::root@pam:");
        assertEquals(0x1234ABCDEL, upid.pstart());
        assertEquals("", upid.id());
    }

    @Test
    void refusesWhatIsNotAUpid() {
        assertTrue(Upid.tryParse("OK").isEmpty());
        assertTrue(Upid.tryParse(null).isEmpty());
        assertTrue(Upid.tryParse("UPID:pve1:1234:1234:1234:qmstart:100:root@pam:").isEmpty());
        assertTrue(Upid.tryParse("UPID:pve1:00001234:00001234:67A1B2C3:qmstart:100:root@pam").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Upid.parse("garbage"));
        assertTrue(e.getMessage().contains("garbage"));
    }

    @Test
    void outcomesFollowTheExitStatus() {
        assertEquals(new TaskOutcome.Succeeded(), TaskOutcome.of("OK"));
        assertEquals(new TaskOutcome.SucceededWithWarnings(3), TaskOutcome.of("WARNINGS: 3"));
        assertEquals(new TaskOutcome.Failed("start failed: QEMU exited with code 1"),
                TaskOutcome.of("start failed: QEMU exited with code 1"));
        assertTrue(TaskOutcome.of("WARNINGS: 1").succeeded());
    }
}
