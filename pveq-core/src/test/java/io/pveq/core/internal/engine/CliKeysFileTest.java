package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.CommandLineCluster;
import io.pveq.core.NodeName;
import io.pveq.core.ProxmoxListener;
import io.pveq.core.VmId;
import io.pveq.core.internal.cluster.NewVm;
import io.pveq.core.internal.cluster.OpsContext;
import io.pveq.core.internal.cluster.ProxmoxOps;
import io.pveq.core.internal.pve.CreateVmSpec;
import io.pveq.core.internal.pve.IpConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLI dialect hands cloud-init's keys to {@code qm create --sshkeys} as a private file, removed at once. */
class CliKeysFileTest {

    private final FakePve pve = new FakePve("pve1", "pve2");
    private final ProxmoxOps ops = CommandLineCluster.builder().local(NodeName.of("pve1"), pve.node("pve1"))
            .node(NodeName.of("pve2"), pve.node("pve2")).build()
            .open(new OpsContext(Duration.ofMinutes(1), Duration.ofMinutes(5), ProxmoxListener.NONE));

    private static NewVm vm(int id) {
        return new NewVm(CreateVmSpec.builder(VmId.of(id), "web").cloudInitDrive("local-lvm",
                CreateVmSpec.CloudInitSlot.IDE2).ciUser("debian", null)
                .ipConfig(IpConfig.of("192.168.0." + id, 24, "192.168.0.1"), null, null).build(), FakeGuests.KEY + "\n");
    }

    private String keysPathOf(String create) {
        return create.replaceAll(".*--sshkeys (\\S+).*", "$1");
    }

    @Test
    void onTheLocalNodeTheFileIsDeletedOnceTheCreateIsDone() {
        ops.create(NodeName.of("pve1"), vm(101));
        String create = pve.commandsWith("pve1: qm create").get(0);
        Path path = Path.of(keysPathOf(create));
        assertTrue(path.getFileName().toString().startsWith("pveq-keys-"), create);
        assertFalse(Files.exists(path), "removed after the create");
        assertTrue(pve.vm(101).config.get("sshkeys").contains("ssh-ed25519"), "qm read the keys");
    }

    @Test
    void onARemoteNodeTheFileIsUploadedThenRemovedWithAnArgvCommand() {
        ops.create(NodeName.of("pve2"), vm(102));
        String path = keysPathOf(pve.commandsWith("pve2: qm create").get(0));
        assertTrue(path.matches("/tmp/pveq-keys-[0-9a-f-]+\\.pub"), path);
        assertEquals(List.of("pve2:" + path), pve.uploads);
        assertEquals(List.of("pve2: rm -f -- " + path), pve.commandsWith("rm -f"));
        assertFalse(pve.files.containsKey(path));
    }

    @Test
    void withoutKeysNoFileIsWritten() {
        ops.create(NodeName.of("pve2"), new NewVm(vm(103).spec(), ""));
        assertEquals(List.of(), pve.uploads);
        assertFalse(pve.commandsWith("qm create").get(0).contains("--sshkeys"));
    }
}
