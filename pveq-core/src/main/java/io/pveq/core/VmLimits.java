package io.pveq.core;

import java.util.OptionalInt;

/**
 * Site limits on VM sizes (the server's {@code VM_MAX_CPU}, {@code VM_MAX_RAM}, {@code VM_MAX_DISK},
 * {@code VM_BALLOON_MIN}) together with pveq's fixed bounds ({@link #CPU_MIN}-{@link #CPU_MAX}
 * vCPUs, at least {@link #RAM_MIN_MB} MB, at least {@link #DISK_MIN}). The {@code check} methods
 * are the "limits" validation step: {@link InstallSpec} checks the fixed bounds when it is built,
 * the provisioner checks a spec against the site's limits before anything runs, and
 * {@code set/cpu}, {@code set/memory} and {@code set/disk} go through the same methods.
 * Immutable and thread-safe.
 *
 * @param maxCpu       highest vCPU count per VM (1-32), empty for no site limit
 * @param maxRamMb     most memory per VM in MB (at least 512), empty for no site limit
 * @param maxDiskGb    largest disk per VM in GiB (at least 16), empty for no site limit
 * @param balloonMinMb balloon minimum memory in MB, empty to leave ballooning at Proxmox's default
 */
public record VmLimits(OptionalInt maxCpu, OptionalInt maxRamMb, OptionalInt maxDiskGb, OptionalInt balloonMinMb) {

    /** Fewest vCPUs. */
    public static final int CPU_MIN = 1;
    /** Most vCPUs pveq gives a VM, whatever the site allows. */
    public static final int CPU_MAX = 32;
    /** Least memory in MB. */
    public static final int RAM_MIN_MB = 512;
    /** Most memory in MB Proxmox accepts (4 TiB). */
    public static final int RAM_MAX_MB = 4 * 1024 * 1024;
    /** Smallest disk: the cloud images need it. */
    public static final DiskSize DISK_MIN = DiskSize.ofGiB(16);
    /** Largest disk pveq creates or grows to (64 TiB), whatever the site allows. */
    public static final DiskSize DISK_MAX = DiskSize.ofGiB(64 * 1024);

    /** No site limits: only the fixed bounds apply. */
    public static final VmLimits NONE = new VmLimits(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
            OptionalInt.empty());

    /** @throws InvalidSpecException naming the setting ({@code maxCpu}, {@code maxRamMb}, {@code maxDiskGb}, {@code balloonMinMb}) whose value is out of range */
    public VmLimits {
        if (maxCpu.isPresent() && (maxCpu.getAsInt() < CPU_MIN || maxCpu.getAsInt() > CPU_MAX)) {
            throw new InvalidSpecException("maxCpu", "must be between " + CPU_MIN + " and " + CPU_MAX
                    + ", got " + maxCpu.getAsInt());
        }
        if (maxRamMb.isPresent() && (maxRamMb.getAsInt() < RAM_MIN_MB || maxRamMb.getAsInt() > RAM_MAX_MB)) {
            throw new InvalidSpecException("maxRamMb", "must be between " + RAM_MIN_MB + " and " + RAM_MAX_MB
                    + " (MB), got " + maxRamMb.getAsInt());
        }
        if (maxDiskGb.isPresent() && (maxDiskGb.getAsInt() < DISK_MIN.roundedGiB()
                || maxDiskGb.getAsInt() > DISK_MAX.roundedGiB())) {
            throw new InvalidSpecException("maxDiskGb", "must be between " + DISK_MIN.roundedGiB() + " and "
                    + DISK_MAX.roundedGiB() + " (GB), got " + maxDiskGb.getAsInt());
        }
        if (balloonMinMb.isPresent() && (balloonMinMb.getAsInt() < 0 || balloonMinMb.getAsInt() > RAM_MAX_MB)) {
            throw new InvalidSpecException("balloonMinMb", "must be between 0 and " + RAM_MAX_MB
                    + " (MB), got " + balloonMinMb.getAsInt());
        }
        if (balloonMinMb.isPresent() && maxRamMb.isPresent() && balloonMinMb.getAsInt() > maxRamMb.getAsInt()) {
            throw new InvalidSpecException("balloonMinMb", "must not exceed maxRamMb (" + maxRamMb.getAsInt()
                    + " MB), got " + balloonMinMb.getAsInt());
        }
    }

    /**
     * @param field the request field named in the error, e.g. {@code cpu}
     * @param cpu   the requested vCPU count
     * @return {@code cpu}
     * @throws InvalidSpecException naming {@code field} when outside 1-32 or above {@link #maxCpu()}
     */
    public int checkCpu(String field, int cpu) {
        checkFixedCpu(field, cpu);
        if (maxCpu.isPresent() && cpu > maxCpu.getAsInt()) {
            throw new InvalidSpecException(field, "must be at most " + maxCpu.getAsInt()
                    + " (the site limit), got " + cpu);
        }
        return cpu;
    }

    /**
     * @param field the request field named in the error, e.g. {@code ram} or {@code memory}
     * @param ramMb the requested memory in MB
     * @return {@code ramMb}
     * @throws InvalidSpecException naming {@code field} when below 512, above 4 TiB or above {@link #maxRamMb()}
     */
    public int checkRam(String field, int ramMb) {
        checkFixedRam(field, ramMb);
        if (maxRamMb.isPresent() && ramMb > maxRamMb.getAsInt()) {
            throw new InvalidSpecException(field, "must be at most " + maxRamMb.getAsInt()
                    + " (MB, the site limit), got " + ramMb);
        }
        return ramMb;
    }

    /**
     * @param field the request field named in the error, e.g. {@code disk}
     * @param total the disk size the VM would have (for a grow: the current size plus the increment)
     * @return {@code total}
     * @throws InvalidSpecException naming {@code field} when below 16G, above 64 TiB or above {@link #maxDiskGb()}
     */
    public DiskSize checkDisk(String field, DiskSize total) {
        checkFixedDisk(field, total);
        if (maxDiskGb.isPresent() && total.compareTo(DiskSize.ofGiB(maxDiskGb.getAsInt())) > 0) {
            throw new InvalidSpecException(field, "must be at most " + maxDiskGb.getAsInt()
                    + "G (the site limit), got " + total);
        }
        return total;
    }

    /**
     * Checks a disk growth ({@code set/disk}): the increment is positive and the grown disk stays
     * within 64 TiB and {@link #maxDiskGb()}. The 16G minimum does not apply (a VM pveq did not
     * create may have a smaller disk, and growing it is fine).
     *
     * @param field     the request field named in the error, e.g. {@code disk}
     * @param current   the disk's size now
     * @param increment how much to add
     * @return the size after growing
     * @throws InvalidSpecException naming {@code field} when the increment is zero or the result too large
     */
    public DiskSize checkDiskGrowth(String field, DiskSize current, DiskSize increment) {
        if (increment.bytes() <= 0) {
            throw new InvalidSpecException(field, "must grow the disk by more than zero");
        }
        if (current.bytes() > DISK_MAX.bytes() - increment.bytes()) {
            throw new InvalidSpecException(field, "the disk would grow from " + current + " beyond " + DISK_MAX);
        }
        DiskSize total = current.plus(increment);
        if (maxDiskGb.isPresent() && total.compareTo(DiskSize.ofGiB(maxDiskGb.getAsInt())) > 0) {
            throw new InvalidSpecException(field, "the disk would grow from " + current + " to " + total
                    + ", above " + maxDiskGb.getAsInt() + "G (the site limit)");
        }
        return total;
    }

    /**
     * Applies these limits to a spec, in field order ({@code cpu}, {@code ram}, {@code disk}).
     *
     * @return {@code spec}
     * @throws InvalidSpecException naming the first field that breaks a limit
     */
    public InstallSpec check(InstallSpec spec) {
        checkCpu("cpu", spec.cpu());
        checkRam("ram", spec.ramMb());
        checkDisk("disk", spec.disk());
        return spec;
    }

    /**
     * @param ramMb the VM's memory in MB
     * @return the balloon minimum to configure for it: {@link #balloonMinMb()} capped at {@code ramMb}
     *         (Proxmox refuses a balloon larger than the memory); empty when no minimum is set
     */
    public OptionalInt balloonFor(int ramMb) {
        return balloonMinMb.isPresent() ? OptionalInt.of(Math.min(balloonMinMb.getAsInt(), ramMb)) : OptionalInt.empty();
    }

    static void checkFixedCpu(String field, int cpu) {
        if (cpu < CPU_MIN || cpu > CPU_MAX) {
            throw new InvalidSpecException(field, "must be between " + CPU_MIN + " and " + CPU_MAX + ", got " + cpu);
        }
    }

    static void checkFixedRam(String field, int ramMb) {
        if (ramMb < RAM_MIN_MB || ramMb > RAM_MAX_MB) {
            throw new InvalidSpecException(field, "must be between " + RAM_MIN_MB + " and " + RAM_MAX_MB
                    + " (MB), got " + ramMb);
        }
    }

    static void checkFixedDisk(String field, DiskSize disk) {
        if (disk.compareTo(DISK_MIN) < 0 || disk.compareTo(DISK_MAX) > 0) {
            throw new InvalidSpecException(field, "must be between " + DISK_MIN + " and " + DISK_MAX + ", got " + disk);
        }
    }
}
