package io.pveq.core.internal.engine;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.OsRelease;

import java.util.Collection;
import java.util.Optional;

/**
 * The Proxmox tags pveq puts on the VMs it installs, and how to read them back. Tags travel in
 * {@code /cluster/resources}, so the list response learns a VM's OS (and, in pool addressing,
 * its address) without reading every VM's config. Tag text follows Proxmox's rule
 * {@code [a-z0-9_][a-z0-9_\-+.]*}.
 */
final class VmTags {

    /** Marks a VM pveq installed. */
    public static final String MANAGED = "pveq";

    private static final String OS_PREFIX = "pveq-os-";
    private static final String IP_PREFIX = "pveq-ip-";

    private VmTags() {
    }

    /** @return the tag recording the OS release, e.g. {@code pveq-os-ubuntu-24.04} */
    public static String osTag(OsRelease release) {
        return OS_PREFIX + release.os() + "-" + release.version();
    }

    /** @return the tag recording a pool address, e.g. {@code pveq-ip-192.168.0.7} */
    public static String ipTag(Ipv4Address address) {
        return IP_PREFIX + address;
    }

    /**
     * @param tags a VM's tags (Proxmox separates them with {@code ;} in {@code /cluster/resources})
     * @return the OS release recorded by {@link #osTag}, if a well-formed one is present
     */
    public static Optional<OsRelease> os(Collection<String> tags) {
        for (String tag : tags) {
            if (tag.startsWith(OS_PREFIX)) {
                String rest = tag.substring(OS_PREFIX.length());
                int dash = rest.indexOf('-');
                if (dash > 0) {
                    try {
                        return Optional.of(OsRelease.of(rest.substring(0, dash), rest.substring(dash + 1)));
                    } catch (InvalidSpecException malformed) {
                        // someone else's tag that looks like ours: ignore it
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** @return the pool address recorded by {@link #ipTag}, if a well-formed one is present */
    public static Optional<Ipv4Address> ip(Collection<String> tags) {
        for (String tag : tags) {
            if (tag.startsWith(IP_PREFIX)) {
                try {
                    return Optional.of(Ipv4Address.parse("tag", tag.substring(IP_PREFIX.length())));
                } catch (InvalidSpecException malformed) {
                    // ignore
                }
            }
        }
        return Optional.empty();
    }
}
