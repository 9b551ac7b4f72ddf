package io.pveq.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PveCliTest {

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void readsSubcommandsAliasesAndOptions(String version) {
        PveCli cli = PveCli.qm(version);
        PveCli.Command importDisk = cli.command("importdisk").orElseThrow();
        assertEquals(List.of("vmid", "source", "storage"), importDisk.positionals());
        assertEquals("<qcow2 | raw | vmdk>", importDisk.options().get("format"));
        assertEquals(List.of("vmid", "disk", "size"), cli.command("resize").orElseThrow().positionals());
        assertEquals("<boolean>", cli.command("status").orElseThrow().options().get("verbose"));
        assertTrue(cli.command("create").orElseThrow().options().containsKey("net[n]"));
        assertTrue(cli.command("frobnicate").isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void splitsArgvIncludingBareBooleanFlags(String version) {
        PveCli cli = PveCli.qm(version);
        PveCli.ParsedArgv parsed = cli.split(List.of("qm", "migrate", "100", "pve2", "--online", "--targetstorage",
                "local"));
        assertEquals("migrate", parsed.command());
        assertEquals(List.of("100", "pve2"), parsed.positionals());
        assertEquals(Map.of("online", "1", "targetstorage", "local"), parsed.options());
        assertEquals("disk import", cli.split(List.of("qm", "disk", "import", "1", "/a", "b")).command());
        assertThrows(IllegalArgumentException.class, () -> cli.split(List.of("qm", "migrate", "100", "--target")));
        assertThrows(IllegalArgumentException.class, () -> cli.split(List.of("pvesh", "get", "/")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void validatesPositionalCountOptionNamesAndValues(String version) {
        PveCli cli = PveCli.qm(version);
        assertEquals(List.of(), cli.validate(cli.split(List.of("qm", "shutdown", "100", "--timeout", "60",
                "--forceStop", "1"))));
        assertEquals(1, cli.validate(cli.split(List.of("qm", "resize", "100", "scsi0"))).size());
        assertEquals("forcestop", cli.validate(cli.split(List.of("qm", "shutdown", "100", "--forcestop", "1")))
                .get(0).parameter());
        assertEquals("timeout", cli.validate(cli.split(List.of("qm", "shutdown", "100", "--timeout", "-1")))
                .get(0).parameter());
        assertEquals("format", cli.validate(cli.split(List.of("qm", "importdisk", "100", "/a", "s", "--format",
                "vdi"))).get(0).parameter());
    }
}
