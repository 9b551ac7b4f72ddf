package io.pveq.core;

import java.util.Locale;

/**
 * A VM's power state as Proxmox reports it ({@code qm status}, {@code /cluster/resources}).
 * {@link #label()} is the word Proxmox uses and the text {@code GET /api/vm/:id/status} answers.
 */
public enum VmStatus {
    /** Running. */
    RUNNING("running"),
    /** Stopped. */
    STOPPED("stopped"),
    /** Paused (QEMU stopped the guest CPUs; {@code qm resume} continues it). */
    PAUSED("paused"),
    /** Suspended to disk or memory. */
    SUSPENDED("suspended"),
    /** QEMU started but the guest has not begun to run yet. */
    PRELAUNCH("prelaunch"),
    /** Proxmox does not know yet (a brand-new VM in {@code /cluster/resources}) or reported something else. */
    UNKNOWN("unknown");

    private final String label;

    VmStatus(String label) {
        this.label = label;
    }

    /** @return Proxmox's word for the state, e.g. {@code running} */
    public String label() {
        return label;
    }

    /** @return true for {@link #RUNNING} only */
    public boolean isRunning() {
        return this == RUNNING;
    }

    /**
     * Reads Proxmox's word leniently: any case, surrounding spaces ignored; anything unrecognised is
     * {@link #UNKNOWN} (Proxmox adds states over time; parsing never fails).
     *
     * @param word the status text; may be null
     * @return the state
     */
    public static VmStatus fromProxmox(String word) {
        if (word != null) {
            String w = word.trim().toLowerCase(Locale.ROOT);
            for (VmStatus s : values()) {
                if (s.label.equals(w)) {
                    return s;
                }
            }
        }
        return UNKNOWN;
    }

    @Override
    public String toString() {
        return label;
    }
}
