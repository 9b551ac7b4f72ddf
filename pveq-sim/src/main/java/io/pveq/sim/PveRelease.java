package io.pveq.sim;

/**
 * The Proxmox VE release a simulated cluster imitates. It decides the version strings it reports
 * ({@code pveversion}, {@code meta: creation-qemu=}) and version-dependent output, chiefly the last
 * line of {@code qm disk import}: qemu-server up to 8.2.6 prints
 * {@code Successfully imported disk as 'unused0:STORAGE:VOLUME'}, later versions
 * {@code unused0: successfully imported disk 'STORAGE:VOLUME'}.
 */
public enum PveRelease {
    /** PVE 8.1 (qemu-server 8.0.x, QEMU 8.1): the old import line. */
    PVE_8_1("8.1.4", "8.1.2", true),
    /** PVE 8.4 (qemu-server 8.3.x, QEMU 9.2). */
    PVE_8_4("8.4.14", "9.2.0", false),
    /** PVE 9.1 (qemu-server 9.1.x, QEMU 10.1). */
    PVE_9_1("9.1.1", "10.1.2", false);

    private final String managerVersion;
    private final String qemuVersion;
    private final boolean oldImportLine;

    PveRelease(String managerVersion, String qemuVersion, boolean oldImportLine) {
        this.managerVersion = managerVersion;
        this.qemuVersion = qemuVersion;
        this.oldImportLine = oldImportLine;
    }

    /** @return the pve-manager version, e.g. {@code 8.4.14} */
    public String managerVersion() {
        return managerVersion;
    }

    /** @return the QEMU version recorded in {@code meta: creation-qemu=} */
    public String qemuVersion() {
        return qemuVersion;
    }

    /** @return true when {@code qm disk import} ends with the pre-8.2.7 line */
    public boolean oldImportLine() {
        return oldImportLine;
    }

    /** @return the major version, 8 or 9 */
    public int major() {
        return Integer.parseInt(managerVersion.substring(0, managerVersion.indexOf('.')));
    }
}
