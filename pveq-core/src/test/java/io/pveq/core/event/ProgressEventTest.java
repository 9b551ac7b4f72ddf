package io.pveq.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.Ipv4Address;
import io.pveq.core.VmId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressEventTest {

    private static final VmId VM = VmId.of(101);
    private static final Ipv4Address IP = Ipv4Address.of(192, 168, 0, 101);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void stageEventsMapOntoSseFieldsLikeTheReference() {
        assertEquals("{\"step\":\"preparation > checking VMID\",\"status\":\"processing\","
                        + "\"message\":\"[*] start VM installation\"}",
                new StageStarted(Stage.CHECKING_VMID, "start VM installation", EventContext.of(Duration.ZERO)).toJson());
        assertEquals("{\"step\":\"preparation > checking VMID\",\"status\":\"success\","
                        + "\"message\":\"[+] auto-assigned VMID: 101 (0.02s)\",\"vm_id\":101}",
                new StageSucceeded(Stage.CHECKING_VMID, "auto-assigned VMID: 101", Duration.ofMillis(20),
                        EventContext.of(Duration.ofMillis(20), VM)).toJson());
        assertEquals("{\"step\":\"VM initialization > finalizing\",\"status\":\"success\","
                        + "\"message\":\"[+] VM installation completed in 67.83s\",\"vm_id\":101,\"ip\":\"192.168.0.101\"}",
                new OperationSucceeded(Stage.FINALIZING_INSTALL, "VM installation completed",
                        EventContext.of(Duration.ofMillis(67_830), VM, IP)).toJson());
    }

    @Test
    void everyEventKindHasItsStatusAndMessage() {
        EventContext ctx = EventContext.of(Duration.ofMillis(1500), VM, IP);
        List<ProgressEvent> events = List.of(
                new StageStarted(Stage.DOWNLOADING_IMAGE, "start downloading OS image", ctx),
                StageDetail.of(Stage.IMPORTING_DISK, "  transferred 1.0 GiB of 16.0 GiB (6.25%)", ctx),
                new StageDetail(Stage.FINALIZING_INSTALL, EventStatus.SUCCESS, "[*] User: deploy", ctx),
                new TransferProgress(Stage.DOWNLOADING_IMAGE, 512L << 20, 2048L << 20, 64.0 * (1 << 20), ctx),
                new TransferProgress(Stage.DOWNLOADING_IMAGE, 100, -1, 0, ctx),
                new ReadinessAttempt(Stage.WAITING_FOR_SSH, 3, "connection refused", ctx),
                new StageSucceeded(Stage.CREATING_VM, "VM created successfully", Duration.ofMillis(2450), ctx),
                new StageFailed(Stage.SSH_INITIALIZATION, "init script exited with 2", Duration.ofSeconds(5), ctx),
                new OperationFailed(Stage.SSH_INITIALIZATION, "init script exited with 2", false,
                        List.of("destroyed VM 101"), true, ctx),
                new OperationFailed(Stage.CREATING_VM, "cancelled by the caller", true, List.of(), false, ctx));
        List<String> expected = List.of(
                "processing|[*] start downloading OS image",
                "processing|  transferred 1.0 GiB of 16.0 GiB (6.25%)",
                "success|[*] User: deploy",
                "processing|[*] 512.0 MiB of 2.0 GiB (25.0%) at 64.0 MiB/s",
                "processing|[*] 100 B at 0 B/s",
                "processing|[*] SSH attempt 3: connection refused",
                "success|[+] VM created successfully (2.45s)",
                "error|[-] init script exited with 2 (5.00s)",
                "error|[-] failed: init script exited with 2; rolled back: destroyed VM 101 (after 1.50s)",
                "error|[-] cancelled: cancelled by the caller; ROLLBACK INCOMPLETE (after 1.50s)");
        List<String> actual = new ArrayList<>();
        for (ProgressEvent e : events) {
            actual.add(e.status().label() + "|" + e.message());
        }
        assertEquals(expected, actual);
        assertEquals(2, events.stream().filter(ProgressEvent::isTerminal).count());
    }

    @Test
    void jsonIsValidAndCarriesExactlyTheEventsFields() throws Exception {
        String nasty = "quote \" backslash \\ newline \n tab \t nul \u0000 bell \u0007 sep \u2028 é 日本";
        ProgressEvent e = new StageFailed(Stage.MIGRATING_VM, nasty, Duration.ZERO,
                EventContext.of(Duration.ofSeconds(1), VM, IP));
        String json = e.toJson();
        assertFalse(json.contains("\n"), "one line: " + json);
        JsonNode node = JSON.readTree(json);
        assertEquals(List.of("step", "status", "message", "vm_id", "ip"), iterable(node));
        assertEquals("migrating VM", node.get("step").asText());
        assertEquals("error", node.get("status").asText());
        assertEquals(e.message(), node.get("message").asText());
        assertTrue(node.get("message").asText().contains(nasty));
        assertEquals(101, node.get("vm_id").asInt());
        assertEquals("192.168.0.101", node.get("ip").asText());
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void rejectsInconsistentEvents() {
        EventContext none = EventContext.of(Duration.ZERO);
        assertThrows(IllegalArgumentException.class, () -> new OperationSucceeded(Stage.FINALIZING, "done", none));
        assertThrows(IllegalArgumentException.class,
                () -> new StageDetail(Stage.FINALIZING, EventStatus.ERROR, "bad", none));
        assertThrows(IllegalArgumentException.class, () -> new StageStarted(Stage.FINALIZING, " ", none));
        assertThrows(IllegalArgumentException.class, () -> new ReadinessAttempt(Stage.WAITING_FOR_SSH, 0, "x", none));
        assertThrows(IllegalArgumentException.class,
                () -> new TransferProgress(Stage.DOWNLOADING_IMAGE, -1, 10, 1, none));
        assertThrows(IllegalArgumentException.class, () -> EventContext.of(Duration.ofSeconds(-1)));
    }

    @Test
    void guardedListenersNeverLetExceptionsOut() {
        List<ProgressEvent> seen = new ArrayList<>();
        ProgressListener throwing = ev -> {
            throw new IllegalStateException("listener bug");
        };
        ProgressListener both = throwing.andThen(seen::add);
        ProgressEvent e = new StageStarted(Stage.STARTING_VM, "starting VM", EventContext.of(Duration.ZERO, VM));
        both.onEvent(e);
        ProgressListener.guarded(throwing).onEvent(e);
        assertEquals(List.of(e), seen);
    }
}
