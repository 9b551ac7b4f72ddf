package io.pveq.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CpuLevelTest {

    /** Expected level per recorded machine, decided by hand from each CPU's known feature set. */
    private static final Map<String, CpuLevel> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("linux-centos7-cascadelake", CpuLevel.X86_64_V4);
        EXPECTED.put("linux-rhel6-piledriver", CpuLevel.X86_64_V2_AES); // AVX/FMA but no AVX2, BMI2, MOVBE
        EXPECTED.put("linux-rhel7-broadwell", CpuLevel.X86_64_V3);
        EXPECTED.put("linux-rhel7-haswell", CpuLevel.X86_64_V3);
        EXPECTED.put("linux-rhel7-ivybridge", CpuLevel.X86_64_V2_AES); // AVX but no AVX2
        EXPECTED.put("linux-rhel7-skylake_avx512", CpuLevel.X86_64_V4);
        EXPECTED.put("linux-rhel7-x86_64_v3", CpuLevel.X86_64_V2); // every v3 feature but AES masked
        EXPECTED.put("linux-rhel7-zen", CpuLevel.X86_64_V3);
        EXPECTED.put("linux-rocky8.5-zen4", CpuLevel.X86_64_V4);
        EXPECTED.put("linux-rocky9-zen5", CpuLevel.X86_64_V4);
        EXPECTED.put("linux-scientific7-k10", CpuLevel.KVM64); // no SSSE3 / SSE4.1
        EXPECTED.put("linux-scientific7-piledriver", CpuLevel.X86_64_V2_AES);
        EXPECTED.put("linux-scientificfermi6-bulldozer", CpuLevel.X86_64_V2_AES);
        EXPECTED.put("linux-scientificfermi6-piledriver", CpuLevel.X86_64_V2_AES);
        EXPECTED.put("linux-ubuntu18.04-broadwell", CpuLevel.X86_64_V3);
        EXPECTED.put("linux-ubuntu20.04-zen3", CpuLevel.X86_64_V3);
        EXPECTED.put("linux-ubuntu24.04-alderlake", CpuLevel.X86_64_V3); // AVX-512 fused off
        EXPECTED.put("linux-ubuntu26.04-arrowlake_s", CpuLevel.X86_64_V3);
        EXPECTED.put("linux-unknown-sapphirerapids", CpuLevel.X86_64_V4);
    }

    private static Map<String, String> recordedFlags() throws IOException {
        String shared = System.getProperty("pveq.shared.dir");
        assumeTrue(shared != null && Files.isDirectory(Path.of(shared)),
                "pveq.shared.dir not set or missing: skipping tests on recorded cpuinfo flags");
        Path tsv = Path.of(shared, "reference", "cpu", "cpuinfo-flags.tsv");
        assumeTrue(Files.isRegularFile(tsv), "no " + tsv + ": skipping");
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                String[] cols = line.split("\t");
                rows.put(cols[0], cols[2]);
            }
        }
        return rows;
    }

    @Test
    void everyRecordedMachineGetsTheExpectedLevel() throws IOException {
        Map<String, String> rows = recordedFlags();
        assertEquals(EXPECTED.keySet(), rows.keySet(), "the recorded machines changed: update EXPECTED by hand");
        Map<String, CpuLevel> actual = new LinkedHashMap<>();
        rows.forEach((name, flags) -> actual.put(name, CpuLevel.fromFlags(flags)));
        assertEquals(EXPECTED, actual);
    }

    @Test
    void clusterOfRecordedMachinesRunsTheLowestLevel() throws IOException {
        Map<String, String> rows = recordedFlags();
        CpuLevel haswell = CpuLevel.fromFlags(rows.get("linux-rhel7-haswell"));
        CpuLevel zen4 = CpuLevel.fromFlags(rows.get("linux-rocky8.5-zen4"));
        CpuLevel masked = CpuLevel.fromFlags(rows.get("linux-rhel7-x86_64_v3"));
        assertEquals(CpuLevel.X86_64_V3, CpuLevel.lowest(List.of(haswell, zen4)));
        assertEquals(CpuLevel.X86_64_V2, CpuLevel.lowest(List.of(haswell, zen4, masked)));
        assertEquals(CpuLevel.KVM64, CpuLevel.lowest(List.of(zen4, CpuLevel.fromFlags(rows.get("linux-scientific7-k10")))));
    }

    @Test
    void proxmoxNodeStatusSampleIsV3() throws IOException {
        String shared = System.getProperty("pveq.shared.dir");
        assumeTrue(shared != null, "pveq.shared.dir not set: skipping");
        Path sample = Path.of(shared, "reference", "proxmox", "samples", "pve-8.4.14", "node-status.json");
        assumeTrue(Files.isRegularFile(sample), "no " + sample + ": skipping");
        Matcher m = Pattern.compile("\"flags\"\\s*:\\s*\"([^\"]*)\"").matcher(Files.readString(sample));
        assumeTrue(m.find(), "no cpuinfo.flags in " + sample);
        assertEquals(CpuLevel.X86_64_V3, CpuLevel.fromFlags(m.group(1))); // i7-6700, Skylake client
    }

    @Test
    void removingAnyRequiredFlagDropsTheLevel() {
        Set<String> v4 = CpuLevel.X86_64_V4.requiredFlags();
        assertEquals(CpuLevel.X86_64_V4, CpuLevel.fromFlags(v4));
        for (String flag : v4) {
            Set<String> less = new HashSet<>(v4);
            less.remove(flag);
            CpuLevel got = CpuLevel.fromFlags(less);
            CpuLevel expected = CpuLevel.X86_64_V2_AES.addedFlags().contains(flag) ? CpuLevel.X86_64_V2
                    : CpuLevel.X86_64_V2.addedFlags().contains(flag) ? CpuLevel.KVM64
                    : CpuLevel.X86_64_V3.addedFlags().contains(flag) ? CpuLevel.X86_64_V2_AES : CpuLevel.X86_64_V3;
            assertEquals(expected, got, "without " + flag);
        }
    }

    @Test
    void usesProcCpuinfoSpellingNotInstructionNames() {
        Set<String> v3 = new HashSet<>(CpuLevel.X86_64_V3.requiredFlags());
        v3.remove("abm");
        v3.add("lzcnt");
        assertEquals(CpuLevel.X86_64_V2_AES, CpuLevel.fromFlags(v3), "LZCNT is reported as abm");
        v3.remove("lzcnt");
        v3.add("abm");
        v3.remove("xsave");
        v3.add("osxsave");
        assertEquals(CpuLevel.X86_64_V2_AES, CpuLevel.fromFlags(v3), "OSXSAVE is reported as xsave");
    }

    @Test
    void toleratesLabelsAndBlankInput() {
        String v2 = String.join(" ", CpuLevel.X86_64_V2.requiredFlags());
        assertEquals(CpuLevel.X86_64_V2, CpuLevel.fromFlags("flags\t\t: fpu " + v2 + "\n"));
        assertEquals(CpuLevel.KVM64, CpuLevel.fromFlags(""));
        assertEquals(CpuLevel.KVM64, CpuLevel.fromFlags((String) null));
    }

    @Test
    void modelsAreExactlyTheOnesProxmoxAccepts() {
        assertEquals(List.of("kvm64", "x86-64-v2", "x86-64-v2-AES", "x86-64-v3", "x86-64-v4"),
                Arrays.stream(CpuLevel.values()).map(CpuLevel::model).collect(Collectors.toList()));
        assertEquals(CpuLevel.X86_64_V2_AES, CpuLevel.fromModel("CPU_TYPE", "x86-64-v2-aes"));
        assertEquals("CPU_TYPE", assertThrows(InvalidSpecException.class,
                () -> CpuLevel.fromModel("CPU_TYPE", "x86-64-v1")).field());
        assertEquals("CPU_TYPE", assertThrows(InvalidSpecException.class,
                () -> CpuLevel.fromModel("CPU_TYPE", "host")).field());
    }

    /** glibc's own verdict on this machine's CPU must agree with ours (after the AES rule). */
    @Test
    void agreesWithGlibcOnThisMachine() throws Exception {
        Path ldso = Path.of("/lib64/ld-linux-x86-64.so.2");
        Path cpuinfo = Path.of("/proc/cpuinfo");
        assumeTrue(Files.isExecutable(ldso) && Files.isReadable(cpuinfo), "no x86-64 glibc loader or /proc/cpuinfo");
        Process p = new ProcessBuilder(ldso.toString(), "--help").redirectErrorStream(true).start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("x86-64-v([234]) \\(supported, searched\\)").matcher(help);
        int glibc = 1;
        while (m.find()) {
            glibc = Math.max(glibc, Integer.parseInt(m.group(1)));
        }
        assumeTrue(help.contains("x86-64-v2"), "glibc older than 2.33 does not list levels");
        String flags = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("flags")).findFirst().orElseThrow();
        boolean aes = Arrays.asList(flags.substring(flags.indexOf(':') + 1).trim().split("\\s+")).contains("aes");
        CpuLevel expected = switch (glibc) {
            case 1 -> CpuLevel.KVM64;
            case 2 -> aes ? CpuLevel.X86_64_V2_AES : CpuLevel.X86_64_V2;
            case 3 -> aes ? CpuLevel.X86_64_V3 : CpuLevel.X86_64_V2;
            default -> aes ? CpuLevel.X86_64_V4 : CpuLevel.X86_64_V2;
        };
        Set<String> listed = new HashSet<>(Arrays.asList(flags.substring(flags.indexOf(':') + 1).trim().split("\\s+")));
        List<String> unlisted = expected.requiredFlags().stream().filter(f -> !listed.contains(f)).sorted().toList();
        CpuLevel ours = CpuLevel.fromFlags(flags);
        if (unlisted.isEmpty()) {
            assertEquals(expected, ours, "glibc says x86-64-v" + glibc + ", aes=" + aes);
        } else {
            // glibc reads cpuid; Proxmox (and pveq) read the kernel's flags line. Some kernels (seen on a
            // Firecracker guest: LZCNT in cpuid, no `abm` in /proc/cpuinfo) list fewer flags than cpuid
            // has. Then pveq must stay below glibc's level and never ask for a flag the line lacks.
            assertTrue(ours.ordinal() < expected.ordinal(), "flags line lacks " + unlisted + ": expected a level below "
                    + expected + ", got " + ours);
            assertTrue(listed.containsAll(ours.requiredFlags()), ours + " needs flags the line lacks");
        }
    }
}
