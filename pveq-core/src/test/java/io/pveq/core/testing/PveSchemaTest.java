package io.pveq.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PveSchemaTest {

    private static final String CREATE = "/nodes/{node}/qemu";

    private static Map<String, String> goodCreate() {
        Map<String, String> p = new HashMap<>();
        p.put("node", "pve1");
        p.put("vmid", "100");
        p.put("name", "web-1");
        p.put("cores", "2");
        p.put("memory", "2048");
        p.put("scsihw", "virtio-scsi-single");
        p.put("scsi0", "local-lvm:0,import-from=/var/lib/vz/images/debian.qcow2");
        p.put("net0", "virtio,bridge=vmbr0");
        p.put("ide2", "local-lvm:cloudinit");
        p.put("ipconfig0", "ip=10.0.0.5/24,gw=10.0.0.1");
        p.put("agent", "enabled=1");
        p.put("boot", "order=scsi0");
        p.put("serial0", "socket");
        p.put("vga", "serial0");
        p.put("sshkeys", "ssh-ed25519%20AAAAC3Nza%2B%2F%3D%20me%40host");
        p.put("cpu", "x86-64-v2-AES");
        p.put("tags", "pveq;web");
        return p;
    }

    private static List<SchemaViolation> validate(String version, Map<String, String> params) {
        return PveSchema.load(version).validate("POST", CREATE, params);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void acceptsAWellFormedCreate(String version) {
        assertEquals(List.of(), validate(version, goodCreate()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void rejectsAMisspeltOption(String version) {
        Map<String, String> p = goodCreate();
        p.put("corse", "2");
        assertViolation(validate(version, p), "corse");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void rejectsValuesOutsideEnumsRangesAndTypes(String version) {
        Map<String, String> p = goodCreate();
        p.put("scsihw", "virtio-scsi");
        p.put("cores", "0");
        p.put("onboot", "maybe");
        p.put("balloon", "lots");
        List<SchemaViolation> violations = validate(version, p);
        assertViolation(violations, "scsihw");
        assertViolation(violations, "cores");
        assertViolation(violations, "onboot");
        assertViolation(violations, "balloon");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void checksPropertyStringKeysAndNestedValues(String version) {
        Map<String, String> p = goodCreate();
        p.put("net0", "virtio,brige=vmbr0");
        p.put("scsi0", "local-lvm:0,cache=fast");
        p.put("agent", "enabled=1,type=usb");
        p.put("ipconfig0", "ip=10.0.0.5,gw=10.0.0.1");
        p.put("boot", "order=scsi0;floppy0");
        List<SchemaViolation> violations = validate(version, p);
        assertViolation(violations, "net0.brige");
        assertViolation(violations, "scsi0.cache");
        assertViolation(violations, "agent.type");
        assertViolation(violations, "ipconfig0.ip");
        assertViolation(violations, "boot.order");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void resolvesModelKeyAliasesInNetworkDevices(String version) {
        Map<String, String> p = goodCreate();
        p.put("net0", "virtio=BC:24:11:46:32:17,bridge=vmbr0,firewall=1");
        assertEquals(List.of(), validate(version, p));
        p.put("net0", "virtio=01:24:11:46:32:17,bridge=vmbr0");
        assertViolation(validate(version, p), "net0.macaddr");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void rejectsSshKeysWithPlusOrRawSpaces(String version) {
        Map<String, String> p = goodCreate();
        p.put("sshkeys", "ssh-ed25519+AAAA+me@host");
        assertViolation(validate(version, p), "sshkeys");
        p.put("sshkeys", "ssh-ed25519 AAAA me");
        assertViolation(validate(version, p), "sshkeys");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void reportsMissingRequiredParametersAndIndexesOutOfRange(String version) {
        Map<String, String> p = goodCreate();
        p.remove("vmid");
        p.put("serial4", "socket");
        List<SchemaViolation> violations = validate(version, p);
        assertViolation(violations, "vmid");
        assertViolation(violations, "serial4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void knowsTheEndpointsPveqUses(String version) {
        PveSchema schema = PveSchema.load(version);
        for (String[] e : new String[][] {
                {"POST", CREATE}, {"POST", "/nodes/{node}/qemu/{vmid}/config"},
                {"PUT", "/nodes/{node}/qemu/{vmid}/resize"}, {"DELETE", "/nodes/{node}/qemu/{vmid}"},
                {"GET", "/cluster/resources"}, {"GET", "/cluster/nextid"}, {"GET", "/nodes/{node}/status"}}) {
            assertTrue(schema.hasEndpoint(e[0], e[1]), e[0] + " " + e[1]);
        }
        assertFalse(schema.hasEndpoint("GET", "/nodes/{node}/qemu/{vmid}/nonsense"));
        assertEquals("/nodes/{node}/qemu/{vmid}/status/current",
                schema.matchPath("/nodes/pve1/qemu/100/status/current").orElseThrow().getKey());
    }

    @org.junit.jupiter.api.Test
    void agentFreezeFsKeyExistsOnlyInPve9() {
        Map<String, String> p = goodCreate();
        p.put("agent", "enabled=1,freeze-fs=0");
        assertEquals(List.of(), validate("pve9", p));
        assertViolation(validate("pve8", p), "agent.freeze-fs");
    }

    private static void assertViolation(List<SchemaViolation> violations, String parameter) {
        assertTrue(violations.stream().anyMatch(v -> v.parameter().equals(parameter)),
                "expected a violation for " + parameter + " in " + violations);
    }
}
