package io.pveq.sim;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import java.util.Objects;

/**
 * A simulated node's hardware and address.
 *
 * @param name        the node name
 * @param address     its IP address (loopback addresses like {@code 127.0.10.11} in tests)
 * @param cpuModel    {@code cpuinfo.model}
 * @param cpuFlags    the {@code /proc/cpuinfo} flags line, space separated
 * @param cpus        logical CPUs
 * @param memoryBytes physical memory
 * @param online      false for a node that is down from the start
 */
public record SimNode(NodeName name, String address, String cpuModel, String cpuFlags, int cpus, long memoryBytes,
                      boolean online) {

    /** Flags of an Intel i7-6700 (x86-64-v3 with aes), recorded on a real PVE 8.4 node. */
    public static final String SKYLAKE_FLAGS = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat"
            + " pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art"
            + " arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64"
            + " monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt"
            + " tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb pti ssbd"
            + " ibrs ibpb stibp tpr_shadow flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms"
            + " invpcid mpx rdseed adx smap clflushopt intel_pt xsaveopt xsavec xgetbv1 xsaves dtherm ida arat pln"
            + " pts hwp hwp_notify hwp_act_window hwp_epp vnmi md_clear flush_l1d arch_capabilities";
    /**
     * What a node of a cluster with real guests offers them: QEMU's software emulation runs
     * {@code x86-64-v2-AES} guests, but a guest kernel given AVX and XSAVE under QEMU 7.2's TCG hangs at
     * boot, so the v3 flags are left out and pveq picks {@code x86-64-v2-AES}, as on a real host without them.
     */
    public static final String TCG_FLAGS = java.util.Arrays.stream(SKYLAKE_FLAGS.split(" "))
            .filter(f -> !java.util.Set.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave",
                    "xsaveopt", "xsavec", "xgetbv1", "xsaves").contains(f))
            .collect(java.util.stream.Collectors.joining(" "));
    /** Model name of {@link #TCG_FLAGS}. */
    public static final String TCG_MODEL = "QEMU TCG (x86-64-v2-AES)";
    /** Model name matching {@link #SKYLAKE_FLAGS}. */
    public static final String SKYLAKE_MODEL = "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz";

    /** Validates. */
    public SimNode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(cpuModel, "cpuModel");
        Objects.requireNonNull(cpuFlags, "cpuFlags");
        if (cpus < 1) {
            throw new InvalidSpecException("cpus", "must be at least 1");
        }
        if (memoryBytes < 1L << 30) {
            throw new InvalidSpecException("memory", "must be at least 1 GiB");
        }
    }

    /** @return an online node with 8 CPUs of {@link #SKYLAKE_MODEL} and 32 GiB */
    public static SimNode of(String name, String address) {
        return new SimNode(NodeName.of(name), address, SKYLAKE_MODEL, SKYLAKE_FLAGS, 8, 32L << 30, true);
    }

    /** @return this node with another CPU */
    public SimNode withCpu(String model, String flags) {
        return new SimNode(name, address, model, flags, cpus, memoryBytes, online);
    }

    /** @return this node with {@code count} logical CPUs */
    public SimNode withCpus(int count) {
        return new SimNode(name, address, cpuModel, cpuFlags, count, memoryBytes, online);
    }

    /** @return this node with {@code bytes} of memory */
    public SimNode withMemory(long bytes) {
        return new SimNode(name, address, cpuModel, cpuFlags, cpus, bytes, online);
    }

    /** @return this node, offline from the start */
    public SimNode offline() {
        return new SimNode(name, address, cpuModel, cpuFlags, cpus, memoryBytes, false);
    }
}
