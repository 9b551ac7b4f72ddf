package io.pveq.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.api.internal.FormParams;
import io.pveq.api.internal.VmParams;
import io.pveq.core.DiskSize;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NodeName;
import io.pveq.core.Secret;
import io.pveq.core.SshPublicKey;
import io.pveq.core.VmId;
import io.pveq.core.testing.PveSchema;
import io.pveq.core.testing.SchemaViolation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The one parameter encoder, checked against the real schema of both releases. */
class ParameterEncodingTest {

    private static final SshPublicKey KEY = SshPublicKey.parse("key",
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyExampleKeyExampleKeyExampleKey0 deploy@ci");

    static VmCreateSpec fullSpec() {
        return VmCreateSpec.builder(VmId.of(101)).name("web-01.example.test").memoryMiB(2048).balloonMiB(1024).cores(2)
                .sockets(1).cpuType("x86-64-v2-AES").osType("l26").scsiHardware("virtio-scsi-single")
                .disk(DiskSpec.importFrom("scsi0", "local-lvm", "local:import/debian-12.qcow2").with("discard", "on"))
                .disk(DiskSpec.newDisk("scsi1", "local-lvm", DiskSize.ofMiB(512)))
                .disk(DiskSpec.cloudInit("ide2", "local-lvm"))
                .nic(NicSpec.virtio(0, "vmbr0").withMac("BC:24:11:00:00:01").withVlan(5).withFirewall(true))
                .nic(NicSpec.virtio(1, "vmbr1"))
                .ipConfig(IpConfigSpec.staticIpv4(0, Ipv4Cidr.parse("ip", "192.0.2.101/24"),
                        Ipv4Address.parse("gw", "192.0.2.1")))
                .ipConfig(IpConfigSpec.dhcp(1))
                .ciUser("deploy").ciPassword(Secret.of("s3cret pass")).sshKeys(List.of(KEY))
                .nameservers(List.of("192.0.2.53")).searchDomain("example.test").ciUpgrade(false).agent(true)
                .serialSocket(0).vga("serial0").bootOrder(List.of("scsi0")).onBoot(true).tags(List.of("pveq", "web"))
                .description("made by pveq").start(true).build();
    }

    static Map<String, String> withPath(FormParams params, String... vars) {
        Map<String, String> all = new LinkedHashMap<>();
        for (int i = 0; i < vars.length; i += 2) {
            all.put(vars[i], vars[i + 1]);
        }
        all.putAll(params.values());
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void aFullCreateIsValidForTheRelease(String version) {
        PveSchema schema = PveSchema.load(version);
        List<SchemaViolation> violations = schema.validate("POST", "/nodes/{node}/qemu",
                withPath(VmParams.create(fullSpec()), "node", "pve1"));
        assertEquals(List.of(), violations);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void updatesMigrationsAndClonesAreValidForTheRelease(String version) {
        PveSchema schema = PveSchema.load(version);
        VmConfigUpdate update = VmConfigUpdate.builder().cores(4).memoryMiB(4096).tags(List.of("a")).delete("net1", "description")
                .digest("0123456789abcdef0123456789abcdef01234567").build();
        assertEquals(List.of(), schema.validate("PUT", "/nodes/{node}/qemu/{vmid}/config",
                withPath(VmParams.update(update), "node", "pve1", "vmid", "101")));
        assertEquals(List.of(), schema.validate("POST", "/nodes/{node}/qemu/{vmid}/migrate",
                withPath(VmParams.migrate(MigrateSpec.to(NodeName.of("pve2")).live().moveLocalDisks()
                        .targetStorage("local-lvm")), "node", "pve1", "vmid", "101")));
        assertEquals(List.of(), schema.validate("POST", "/nodes/{node}/qemu/{vmid}/clone",
                withPath(VmParams.clone(CloneSpec.of(VmId.of(102), "clone-1").fullCopy("local-lvm")),
                        "node", "pve1", "vmid", "101")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void guestAgentCommandsAreAnArrayOfRepeatedKeys(String version) throws Exception {
        FormParams params = FormParams.empty().putArray("command", List.of("/bin/sh", "-c", "echo a b"))
                .put("input-data", "secret\n");
        assertEquals("command=%2Fbin%2Fsh&command=-c&command=echo%20a%20b&input-data=secret%0A", params.encoded());
        assertEquals("command=/bin/sh,-c,echo a b input-data=<hidden>", params.forLog());
        okhttp3.Request request = new okhttp3.Request.Builder()
                .url("https://127.0.0.1:8006/api2/json/nodes/pve1/qemu/101/agent/exec")
                .post(okhttp3.RequestBody.create(params.encoded(),
                        okhttp3.MediaType.get("application/x-www-form-urlencoded"))).build();
        assertEquals(List.of(), SchemaCheck.of(version).violations(request));
    }

    @Test
    void propertyStringsAreWrittenAsProxmoxReadsThem() {
        Map<String, String> p = VmParams.create(fullSpec()).values();
        assertEquals("local-lvm:0,import-from=local:import/debian-12.qcow2,discard=on", p.get("scsi0"));
        assertEquals("local-lvm:0.5", p.get("scsi1"));
        assertEquals("local-lvm:cloudinit", p.get("ide2"));
        assertEquals("virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=5,firewall=1", p.get("net0"));
        assertEquals("virtio,bridge=vmbr1", p.get("net1"));
        assertEquals("ip=192.0.2.101/24,gw=192.0.2.1", p.get("ipconfig0"));
        assertEquals("ip=dhcp", p.get("ipconfig1"));
        assertEquals("x86-64-v2-AES", p.get("cpu"));
        assertEquals("1", p.get("agent"));
        assertEquals("0", p.get("ciupgrade"));
        assertEquals("socket", p.get("serial0"));
        assertEquals("order=scsi0", p.get("boot"));
        assertEquals("pveq;web", p.get("tags"));
        assertTrue(p.get("cipassword").startsWith("$5$") || p.get("cipassword").startsWith("$6$"), p.get("cipassword"));
    }

    @Test
    void sshKeysArePercentEncodedWithPercent20AndEncodedAgainOnTheWire() {
        FormParams params = VmParams.create(fullSpec());
        String sshkeys = params.values().get("sshkeys");
        assertEquals("ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyExampleKeyExampleKeyExampleKey0%20deploy%40ci%0A",
                sshkeys);
        String wire = params.encoded();
        assertTrue(wire.contains("sshkeys=ssh-ed25519%2520AAAAC3"), wire);
        assertTrue(!wire.contains("+"), "a form body never carries '+' for a space: " + wire);
    }

    @Test
    void theWireEncodingKeepsSpacesAndPlusSignsApart() {
        FormParams params = FormParams.empty().put("description", "a b+c/d=e&f").put("name", "x");
        assertEquals("description=a%20b%2Bc%2Fd%3De%26f&name=x", params.encoded());
        assertEquals("cipassword=<hidden> name=x", FormParams.empty().put("cipassword", "p").put("name", "x").forLog());
    }

    @Test
    void badValuesFailBeforeAnyRequestNamingTheField() {
        InvalidSpecException comma = assertThrows(InvalidSpecException.class, () -> VmParams.create(
                VmCreateSpec.builder(VmId.of(101)).disk(DiskSpec.newDisk("scsi0", "local-lvm", DiskSize.ofGiB(1))
                        .with("serial", "a,b")).build()));
        assertEquals("serial", comma.field());
        assertEquals("disk", assertThrows(InvalidSpecException.class,
                () -> DiskSpec.newDisk("scsi31", "local-lvm", DiskSize.ofGiB(1))).field());
        assertEquals("memory", assertThrows(InvalidSpecException.class,
                () -> VmCreateSpec.builder(VmId.of(101)).memoryMiB(8).build()).field());
        assertEquals("name", assertThrows(InvalidSpecException.class,
                () -> VmCreateSpec.builder(VmId.of(101)).name("no spaces").build()).field());
        assertEquals("filename", assertThrows(InvalidSpecException.class,
                () -> UploadSpec.of(java.nio.file.Path.of("x.img"), ContentType.IMPORT, "ubuntu.img")).field());
        assertEquals("net0", assertThrows(InvalidSpecException.class,
                () -> NicSpec.virtio(0, "vmbr0").withMac("01:00:5E:00:00:01")).field());
        assertEquals("ipconfig0", assertThrows(InvalidSpecException.class,
                () -> new IpConfigSpec(0, java.util.Optional.empty(), java.util.Optional.of(
                        Ipv4Address.parse("gw", "192.0.2.1")), java.util.Optional.empty())).field());
    }

    @Test
    void theSchemaCheckOfTheTestsFailsOnAWrongRequest() throws Exception {
        SchemaCheck check = SchemaCheck.both();
        okhttp3.Request bad = new okhttp3.Request.Builder()
                .url("https://127.0.0.1:8006/api2/json/nodes/pve1/qemu")
                .post(okhttp3.RequestBody.create("vmid=101&memory=lots&net0=virtio%2Cbridge%3Dvmbr0%2Cspeed%3Dfast&nonsense=1",
                        okhttp3.MediaType.get("application/x-www-form-urlencoded")))
                .build();
        List<String> violations = check.violations(bad);
        assertTrue(violations.stream().anyMatch(v -> v.contains("memory")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("net0.speed")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("nonsense")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.startsWith("pve8")) && violations.stream()
                .anyMatch(v -> v.startsWith("pve9")), violations.toString());
        okhttp3.Request unknownPath = new okhttp3.Request.Builder()
                .url("https://127.0.0.1:8006/api2/json/nodes/pve1/qemu/101/teleport").post(
                        okhttp3.RequestBody.create("", null)).build();
        assertTrue(check.violations(unknownPath).stream().anyMatch(v -> v.contains("teleport")));
        // and through a client: the request never leaves
        try (TlsPeer peer = new TlsPeer(); ProxmoxApi api = ProxmoxApi.builder().url(peer.url())
                .token("root@pam!pveq=5f0c8f6e-3c1b-4cde-9d7a-0a1b2c3d4e5f").trust(TlsTrust.pinned(peer.fingerprint()))
                .httpClient(check.client()).build()) {
            AssertionError e = assertThrows(AssertionError.class, () -> api.vms().create(NodeName.of("pve1"),
                    VmCreateSpec.builder(VmId.of(101)).option("nonsense", "1").build()));
            assertTrue(e.getMessage().contains("nonsense"), e.getMessage());
        }
    }
}
