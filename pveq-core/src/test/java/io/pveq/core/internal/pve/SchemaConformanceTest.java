package io.pveq.core.internal.pve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.testing.PveCommandCheck;
import io.pveq.core.testing.SchemaViolation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The acceptance: every argv the builders can produce, over a generated spread of specs, is
 * accepted by the real PVE 8 and PVE 9 schema; and the check itself fails on broken command lines.
 */
class SchemaConformanceTest {

    private static final int CREATES = 300;
    private static final int OTHER_ROUNDS = 60;

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void everyGeneratedCreateCommandFitsTheSchema(String version) {
        PveCommandCheck check = new PveCommandCheck(version);
        SpecGenerator generator = new SpecGenerator(version.hashCode());
        Set<String> optionsSeen = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CREATES; i++) {
            SpecGenerator.Generated g = generator.create();
            List<String> argv = g.request().argv();
            for (String arg : argv) {
                if (arg.startsWith("--")) {
                    optionsSeen.add(arg.substring(2));
                }
            }
            List<SchemaViolation> violations = check.check(argv, g.sshKeys());
            if (!violations.isEmpty()) {
                failures.add(g.request().displayLine() + "\n    -> " + violations);
            }
        }
        assertEquals(List.of(), failures, "create command lines rejected by the " + version + " schema");
        // the spread really exercised the optional parts and every property string
        for (String option : List.of("net0", "scsi0", "ide2", "scsi1", "ipconfig0", "agent", "boot", "serial0",
                "vga", "sshkeys", "cipassword", "balloon", "nameserver", "searchdomain", "tags", "description",
                "onboot", "cpu", "ostype", "scsihw")) {
            assertTrue(optionsSeen.contains(option), "generator never produced --" + option);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void everyOtherGeneratedCommandFitsTheSchema(String version) {
        PveCommandCheck check = new PveCommandCheck(version);
        SpecGenerator generator = new SpecGenerator(version.hashCode() * 31L);
        List<String> failures = new ArrayList<>();
        Set<String> commands = new HashSet<>();
        for (int i = 0; i < OTHER_ROUNDS; i++) {
            for (SpecGenerator.Generated g : generator.others()) {
                List<String> argv = g.request().argv();
                boolean threeWords = argv.get(0).equals("pvesh") || List.of("disk", "cloudinit").contains(argv.get(1));
                commands.add(String.join(" ", argv.subList(0, threeWords ? 3 : 2)));
                List<SchemaViolation> violations = check.check(argv, Optional.empty());
                if (!violations.isEmpty()) {
                    failures.add(g.request().displayLine() + "\n    -> " + violations);
                }
            }
        }
        assertEquals(List.of(), failures, "command lines rejected by the " + version + " schema");
        assertTrue(commands.size() >= 21, "too few distinct commands exercised: " + commands);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void theCheckRejectsAMisspeltOption(String version) {
        assertRejected(version, argv -> replace(argv, "--cores", "--corse"), "corse");
        assertRejected(version, argv -> replace(argv, "--onboot", "--on-boot"), "on-boot");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void theCheckRejectsBadEnumValuesAndPropertyKeys(String version) {
        assertRejected(version, argv -> replaceValue(argv, "--scsihw", "virtio-scsi"), "scsihw");
        assertRejected(version, argv -> replaceValue(argv, "--ostype", "linux"), "ostype");
        assertRejected(version, argv -> replaceValue(argv, "--net0", "virtio,brige=vmbr0"), "net0.brige");
        assertRejected(version, argv -> replaceValue(argv, "--agent", "enabled=1,type=usb"), "agent.type");
        assertRejected(version, argv -> replaceValue(argv, "--boot", "order=scsi0;cdrom"), "boot.order");
        assertRejected(version, argv -> replaceValue(argv, "--serial0", "pty"), "serial0");
        assertRejected(version, argv -> replaceValue(argv, "--cores", "0"), "cores");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void theCheckRejectsFormEncodedSshKeys(String version) {
        PveCommandCheck check = new PveCommandCheck(version);
        SpecGenerator.Generated g = createWithKeys(version);
        String key = SpecGenerator.KEYS.get(0);
        assertTrue(check.check(g.request().argv(), Optional.of(key)).isEmpty());
        // what a form encoder (URLEncoder) would send: '+' for spaces
        String formEncoded = java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8);
        List<SchemaViolation> violations = io.pveq.core.testing.PveSchema.load(version).validate("POST",
                "/nodes/{node}/qemu", java.util.Map.of("node", "pve1", "vmid", "100", "sshkeys", formEncoded));
        assertTrue(violations.stream().anyMatch(v -> v.parameter().equals("sshkeys")), violations.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pve8", "pve9"})
    void theCheckRejectsUnknownSubcommandsPathsAndFilters(String version) {
        PveCommandCheck check = new PveCommandCheck(version);
        assertFalse(check.check(List.of("qm", "status", "100", "--verbos", "1"), Optional.empty()).isEmpty());
        assertFalse(check.check(List.of("qm", "imprtdisk", "100", "/a", "local"), Optional.empty()).isEmpty());
        assertFalse(check.check(List.of("qm", "disk", "import", "100", "/a", "local", "--format", "vdi"),
                Optional.empty()).isEmpty());
        assertFalse(check.check(List.of("pvesh", "get", "/cluster/resources", "--type", "vms", "--output-format",
                "json"), Optional.empty()).isEmpty());
        assertFalse(check.check(List.of("pvesh", "get", "/cluster/nextids", "--output-format", "json"),
                Optional.empty()).isEmpty());
        assertFalse(check.check(List.of("qm", "resize", "100", "scsi0", "16GB"), Optional.empty()).isEmpty());
    }

    private static SpecGenerator.Generated createWithKeys(String version) {
        SpecGenerator generator = new SpecGenerator(7);
        for (int i = 0; i < 100; i++) {
            SpecGenerator.Generated g = generator.create();
            if (g.sshKeys().isPresent()) {
                return new SpecGenerator.Generated(g.request(), Optional.of(SpecGenerator.KEYS.get(0)), g.spec());
            }
        }
        throw new AssertionError("generator made no spec with ssh keys");
    }

    private static void assertRejected(String version, UnaryOperator<List<String>> breaker, String parameter) {
        PveCommandCheck check = new PveCommandCheck(version);
        SpecGenerator.Generated g = new SpecGenerator(99).create();
        List<String> broken = breaker.apply(g.request().argv());
        assertFalse(broken.equals(g.request().argv()), "the mutation did not change the argv");
        List<SchemaViolation> violations = check.check(broken, g.sshKeys());
        assertTrue(violations.stream().anyMatch(v -> v.parameter().equals(parameter)),
                "expected a violation for " + parameter + " in " + violations);
    }

    private static List<String> replace(List<String> argv, String from, String to) {
        List<String> copy = new ArrayList<>(argv);
        copy.set(copy.indexOf(from), to);
        return copy;
    }

    private static List<String> replaceValue(List<String> argv, String option, String value) {
        List<String> copy = new ArrayList<>(argv);
        copy.set(copy.indexOf(option) + 1, value);
        return copy;
    }
}
