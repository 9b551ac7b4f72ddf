package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.NodeName;
import io.pveq.core.ProvisionerSettings;
import io.pveq.core.ProvisionerSetup.NodeConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeysFileTest {

    private final FakePve pve = new FakePve("pve1", "pve2");
    private final EngineNodeRouter router = new EngineNodeRouter(ProvisionerSettings.builder().mainNode("pve1")
            .node("pve2", "pve2.test").storage("local-lvm").gateway("192.168.0.1").build(),
            Map.of(NodeName.of("pve1"), NodeConnection.local(pve.node("pve1")),
                    NodeName.of("pve2"), NodeConnection.remote(pve.node("pve2"))));

    @Test
    void onTheLocalNodeTheFileIsOwnerOnlyAndDeletedOnClose() throws Exception {
        KeysFile file = KeysFile.write(router, NodeName.of("pve1"), FakeGuests.KEY + "\n");
        Path path = Path.of(file.path());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        assertEquals(FakeGuests.KEY + "\n", Files.readString(path));
        file.close();
        assertFalse(Files.exists(path));
    }

    @Test
    void onARemoteNodeTheFileIsUploadedThenRemovedWithAnArgvCommand() {
        KeysFile file = KeysFile.write(router, NodeName.of("pve2"), FakeGuests.KEY + "\n");
        assertTrue(file.path().matches("/tmp/pveq-keys-[0-9a-f-]+\\.pub"), file.path());
        assertEquals(FakeGuests.KEY + "\n", pve.files.get(file.path()));
        file.close();
        file.close();
        assertEquals(List.of("pve2: rm -f -- " + file.path()), pve.commandsWith("rm -f"));
    }
}
