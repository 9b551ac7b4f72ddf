package io.pveq.api;

/** Which generated cloud-init file {@link VmApi#cloudInitDump} returns. */
public enum CloudInitSection {
    /** {@code user-data}. */
    USER("user"),
    /** {@code network-config}. */
    NETWORK("network"),
    /** {@code meta-data}. */
    META("meta");

    private final String word;

    CloudInitSection(String word) {
        this.word = word;
    }

    /** @return Proxmox's word for it */
    public String word() {
        return word;
    }
}
