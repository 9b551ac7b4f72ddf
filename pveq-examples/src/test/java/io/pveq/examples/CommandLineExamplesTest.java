package io.pveq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage paths of the examples that need a real cluster: they explain what they need and exit 2. */
class CommandLineExamplesTest {

    @TempDir
    Path temp;

    @Test
    void provisionOverSshPrintsUsageWithoutArguments() {
        Output out = new Output();
        assertEquals(2, ProvisionOverSsh.run(out.stream, new String[0]));
        String text = out.text();
        assertTrue(text.startsWith("error: the cluster to use is missing"), text);
        assertTrue(text.contains("usage: ProvisionOverSsh --node NAME=ADDRESS"), text);
        assertTrue(text.contains("--known-hosts FILE"), text);
    }

    @Test
    void provisionOverSshNamesTheMissingOrBadOption() throws IOException {
        Path key = Files.writeString(temp.resolve("id"), "not used");
        Output missing = new Output();
        assertEquals(2, ProvisionOverSsh.run(missing.stream, new String[] {"--node", "pve1=127.0.0.1", "--key",
            key.toString(), "--storage", "local-lvm", "--gateway", "127.0.10.1"}));
        assertTrue(missing.text().startsWith("error: --known-hosts is required"), missing.text());

        Output absentFile = new Output();
        assertEquals(2, ProvisionOverSsh.run(absentFile.stream, new String[] {"--node", "pve1=127.0.0.1", "--key",
            key.toString(), "--known-hosts", temp.resolve("nope").toString(), "--storage", "s", "--gateway", "g"}));
        assertTrue(absentFile.text().startsWith("error: --known-hosts: no such file"), absentFile.text());

        Output badPair = new Output();
        assertEquals(2, ProvisionOverSsh.run(badPair.stream, new String[] {"--node", "pve1"}));
        assertTrue(badPair.text().startsWith("error: --node expects NAME=ADDRESS, got 'pve1'"), badPair.text());

        Output unknown = new Output();
        assertEquals(2, ProvisionOverSsh.run(unknown.stream, new String[] {"--insecure"}));
        assertTrue(unknown.text().startsWith("error: unknown argument '--insecure'"), unknown.text());
    }

    @Test
    void provisionOnNodePrintsUsageWithoutArguments() {
        Output out = new Output();
        assertEquals(2, ProvisionOnNode.run(out.stream, new String[] {"--help"}));
        String text = out.text();
        assertTrue(text.contains("usage: ProvisionOnNode --local NAME --storage ID --gateway IPV4"), text);
    }

    @Test
    void provisionOnNodeNeedsSshOptionsOnlyForOtherNodes() {
        Output out = new Output();
        assertEquals(2, ProvisionOnNode.run(out.stream, new String[] {"--local", "pve1", "--storage", "local-lvm",
            "--gateway", "127.0.10.1", "--node", "pve2=127.0.0.1"}));
        assertTrue(out.text().startsWith("error: --key is required"), out.text());

        Output gateway = new Output();
        assertEquals(2, ProvisionOnNode.run(gateway.stream, new String[] {"--local", "pve1", "--storage", "local-lvm"}));
        assertTrue(gateway.text().startsWith("error: --gateway is required"), gateway.text());
    }
}
