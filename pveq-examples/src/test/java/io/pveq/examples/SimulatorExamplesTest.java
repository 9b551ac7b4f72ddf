package io.pveq.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the simulator examples' mains in-process and checks what they print. */
class SimulatorExamplesTest {

    @Test
    void provisionOnSimulatorInstallsThroughTheMirrorListsAndDestroys() {
        Output out = new Output();
        int status = ProvisionOnSimulator.run(out.stream, new String[0]);
        String text = out.text();
        assertEquals(0, status, text);
        // every event is printed as SPEC's JSON, from the first stage to the terminal one
        assertTrue(text.contains("{\"step\":\"preparation > checking VMID\",\"status\":\"processing\""), text);
        assertTrue(text.contains("\"step\":\"OS preparation > downloading OS image\",\"status\":\"success\""), text);
        // the real image cache fetched from the simulator's mirror on loopback
        assertTrue(Pattern.compile("OS image: http://127\\.0\\.0\\.1:\\d+/debian/images/cloud/bookworm/latest/"
                + "debian-12-generic-amd64\\.qcow2").matcher(text).find(), text);
        assertTrue(text.contains("[+] VM installation completed"), text);
        Matcher installed = Pattern.compile("Installed VM (\\d+) 'demo-vm' on (pve\\d) at (127\\.0\\.10\\.\\d+)/24 "
                + "\\(user debian, debian 12").matcher(text);
        assertTrue(installed.find(), text);
        String vmid = installed.group(1);
        // the cluster list shows the VM, running, and the three nodes
        assertTrue(Pattern.compile("(?m)^" + vmid + "\\s+demo-vm\\s+debian 12\\s+true\\s+" + installed.group(2))
                .matcher(text).find(), text);
        for (String node : List.of("pve1", "pve2", "pve3")) {
            assertTrue(Pattern.compile("(?m)^" + node + "\\s+true\\s+8\\s+32768\\s").matcher(text).find(), text);
        }
        assertTrue(text.contains("Destroyed VM " + vmid + "; VMs left: 0"), text);
    }

    @Test
    void provisionOnSimulatorInstallsTheReleaseNamedOnTheCommandLine() {
        Output out = new Output();
        int status = ProvisionOnSimulator.run(out.stream, new String[] {"rockylinux", "9"});
        String text = out.text();
        assertEquals(0, status, text);
        assertTrue(text.contains("/rocky/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2"), text);
        assertTrue(text.contains("(user rocky, rockylinux 9"), text);
    }

    @Test
    void provisionOnSimulatorRejectsAnUnknownReleaseBeforeTouchingTheCluster() {
        Output out = new Output();
        assertEquals(1, ProvisionOnSimulator.run(out.stream, new String[] {"debian", "7"}));
        assertTrue(out.text().contains("FAILED: "), out.text());
        assertFalse(out.text().contains("Installed VM"), out.text());
        assertEquals(2, ProvisionOnSimulator.run(new Output().stream, new String[] {"debian"}));
    }

    @Test
    void batchProvisionInstallsConcurrentlyWithDistinctIdsAndAddressesInPlainMode() {
        Output out = new Output();
        int status = BatchProvision.run(out.stream, new String[] {"4"}, false);
        String text = out.text();
        assertEquals(0, status, text);
        assertFalse(text.contains("\u001b["), "no ANSI escapes when not on a terminal:\n" + text);
        Matcher rows = Pattern.compile("(?m)^(batch-\\d\\d)\\s+\\S+ \\S+\\s+ok\\s+(\\d+)\\s+(pve\\d)\\s+(\\S+)/24\\s")
                .matcher(text);
        Set<String> names = new HashSet<>();
        Set<String> ids = new HashSet<>();
        Set<String> ips = new HashSet<>();
        Set<String> nodes = new HashSet<>();
        while (rows.find()) {
            names.add(rows.group(1));
            ids.add(rows.group(2));
            nodes.add(rows.group(3));
            ips.add(rows.group(4));
            assertTrue(rows.group(4).startsWith("127.0.10."), rows.group(4));
        }
        assertEquals(Set.of("batch-01", "batch-02", "batch-03", "batch-04"), names, text);
        assertEquals(4, ids.size(), text);
        assertEquals(4, ips.size(), text);
        assertEquals(Set.of("pve1", "pve2", "pve3"), nodes, text);
        assertTrue(text.contains("4 installed, 0 failed"), text);
        assertTrue(text.contains("Destroyed the VMs; VMs left: 0"), text);
    }

    @Test
    void batchProvisionRedrawsOneLinePerVmInPlaceOnATerminal() {
        Output out = new Output();
        int status = BatchProvision.run(out.stream, new String[] {"2"}, true);
        String text = out.text();
        assertEquals(0, status, text);
        assertTrue(text.contains("\u001b[2A"), "cursor moves up over the two VM lines");
        assertTrue(text.contains("\r\u001b[2Kbatch-02"), "each VM line is cleared and rewritten");
        assertTrue(text.contains("2 installed, 0 failed"), text);
        assertEquals(2, BatchProvision.run(new Output().stream, new String[] {"many"}, false));
    }

    @Test
    void listClusterShowsTheVmsWithTheirStatesAndTheNodes() {
        Output out = new Output();
        int status = ListCluster.run(out.stream, new String[0]);
        String text = out.text();
        assertEquals(0, status, text);
        assertTrue(text.contains("VMs (3)"), text);
        assertTrue(Pattern.compile("(?m)^\\d+\\s+web\\s+debian 12\\s+true\\s+pve1\\s+2\\s+16\\s+2048\\s")
                .matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^\\d+\\s+build\\s+ubuntu 24\\.04\\s+false\\s+pve2\\s.*\\sstopped\\s")
                .matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^\\d+\\s+db\\s+rockylinux 9\\s+true\\s+pve3\\s").matcher(text).find(), text);
        assertTrue(text.contains("Nodes (3)"), text);
    }
}
