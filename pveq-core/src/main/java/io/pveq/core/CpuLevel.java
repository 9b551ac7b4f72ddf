package io.pveq.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The x86-64 CPU level pveq gives new VMs, as one of the CPU models Proxmox VE 8 and 9 accept for
 * {@code --cpu}. Ordered from lowest to highest: each level's features include every lower level's,
 * so the level a whole cluster can run is the lowest of its nodes' levels ({@link #lowest}).
 * There is no {@code x86-64-v1} model in Proxmox: below v2 pveq uses {@code kvm64}.
 *
 * <p>Feature sets in {@code /proc/cpuinfo} spelling (see {@link #fromFlags}): v2 needs
 * {@code cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3}; v2-AES adds {@code aes}; v3 adds
 * {@code avx avx2 bmi1 bmi2 f16c fma abm movbe xsave} (LZCNT shows as {@code abm}, OSXSAVE as
 * {@code xsave}); v4 adds {@code avx512f avx512bw avx512cd avx512dq avx512vl}. Proxmox's v3 and v4
 * models include AES, so a CPU with every v3 feature but no {@code aes} is {@link #X86_64_V2}.
 */
public enum CpuLevel {
    /** QEMU's {@code kvm64}: for CPUs below x86-64-v2 (AMD K10, say). */
    KVM64("kvm64", List.of()),
    /** {@code x86-64-v2}: Nehalem-class features. */
    X86_64_V2("x86-64-v2", List.of("cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3")),
    /** {@code x86-64-v2-AES}: v2 plus AES-NI. */
    X86_64_V2_AES("x86-64-v2-AES", List.of("aes")),
    /** {@code x86-64-v3}: Haswell-class features (AVX2, BMI, FMA, ...), with AES. */
    X86_64_V3("x86-64-v3", List.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave")),
    /** {@code x86-64-v4}: v3 plus the AVX-512 foundation set, with AES. */
    X86_64_V4("x86-64-v4", List.of("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"));

    private final String model;
    private final List<String> addedFlags;

    CpuLevel(String model, List<String> addedFlags) {
        this.model = model;
        this.addedFlags = addedFlags;
    }

    /** @return the Proxmox CPU model name for {@code --cpu}, e.g. {@code x86-64-v2-AES} */
    public String model() {
        return model;
    }

    /** @return the {@code /proc/cpuinfo} flags this level needs beyond the level below it */
    public List<String> addedFlags() {
        return addedFlags;
    }

    /** @return every {@code /proc/cpuinfo} flag this level needs */
    public Set<String> requiredFlags() {
        Set<String> all = new HashSet<>();
        for (CpuLevel level : values()) {
            if (level.ordinal() <= ordinal()) {
                all.addAll(level.addedFlags);
            }
        }
        return Set.copyOf(all);
    }

    /**
     * The highest level a CPU supports, from its {@code /proc/cpuinfo} flags line (Proxmox reports
     * it as {@code cpuinfo.flags} in {@code /nodes/<node>/status}). Pure function.
     *
     * @param flagsLine space-separated flags, e.g. {@code fpu vme de ... sse4_2 ...}; a leading
     *                  {@code flags :} label is tolerated; null or blank means no flags
     * @return the level; {@link #KVM64} when even v2 is missing
     */
    public static CpuLevel fromFlags(String flagsLine) {
        if (flagsLine == null) {
            return KVM64;
        }
        String line = flagsLine.strip();
        int colon = line.indexOf(':');
        if (colon >= 0 && line.substring(0, colon).strip().equals("flags")) {
            line = line.substring(colon + 1);
        }
        return fromFlags(Arrays.asList(line.strip().split("\\s+")));
    }

    /**
     * @param flags the CPU's flags in {@code /proc/cpuinfo} spelling
     * @return the highest level whose flags are all present; {@link #KVM64} when even v2 is missing
     */
    public static CpuLevel fromFlags(Collection<String> flags) {
        Set<String> present = Set.copyOf(flags);
        CpuLevel best = KVM64;
        for (CpuLevel level : values()) {
            if (!present.containsAll(level.addedFlags)) {
                break;
            }
            best = level;
        }
        return best;
    }

    /**
     * @param levels the levels of the nodes that may run a VM
     * @return the lowest of them: the level every one of those nodes can run
     * @throws IllegalArgumentException when {@code levels} is empty
     */
    public static CpuLevel lowest(Collection<CpuLevel> levels) {
        return levels.stream().min(Enum::compareTo)
                .orElseThrow(() -> new IllegalArgumentException("no CPU levels given"));
    }

    /**
     * Reads a model name as a setting gives it ({@code x86-64-v3}, {@code kvm64}; case-insensitive).
     *
     * @param field the setting named in the error, e.g. {@code CPU_TYPE}
     * @param model the model name; may be null (then rejected)
     * @return the level
     * @throws InvalidSpecException naming {@code field} when the name is not one of the five models
     *                              (notably {@code x86-64-v1}, which Proxmox does not have)
     */
    public static CpuLevel fromModel(String field, String model) {
        for (CpuLevel level : values()) {
            if (level.model.equalsIgnoreCase(model == null ? "" : model.strip())) {
                return level;
            }
        }
        throw new InvalidSpecException(field, "must be one of kvm64, x86-64-v2, x86-64-v2-AES, x86-64-v3,"
                + " x86-64-v4, got '" + InvalidSpecException.shorten(model) + "'");
    }

    /** @return {@link #model()} */
    @Override
    public String toString() {
        return model;
    }
}
