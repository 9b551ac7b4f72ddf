package io.pveq.sim.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Drive and NIC property strings as Proxmox writes them into a VM config. */
public final class Drives {

    public static final Pattern DISK_KEY = Pattern.compile("(scsi|virtio|sata|ide)\\d+|efidisk0|tpmstate0");
    public static final Pattern NET_KEY = Pattern.compile("net\\d+");
    static final Pattern UNUSED_KEY = Pattern.compile("unused\\d+");

    private Drives() {
    }

    /** Splits a drive string: the first key-less part is {@code file}. */
    public static Map<String, String> parse(String value) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : value.split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                parts.put("file", part);
            } else {
                String key = part.substring(0, eq);
                parts.put(key.equals("volume") ? "file" : key, part.substring(eq + 1));
            }
        }
        return parts;
    }

    /** Prints a drive: the volume first, then the other keys sorted. */
    static String print(Map<String, String> parts) {
        StringBuilder out = new StringBuilder(parts.getOrDefault("file", ""));
        TreeMap<String, String> rest = new TreeMap<>(parts);
        rest.remove("file");
        rest.remove("import-from");
        rest.forEach((k, v) -> out.append(',').append(k).append('=').append(v));
        return out.toString();
    }

    /** Prints a NIC: {@code model=MAC} first, then the other keys sorted. */
    static String printNet(Map<String, String> parts) {
        StringBuilder out = new StringBuilder(parts.get("model")).append('=').append(parts.get("macaddr"));
        TreeMap<String, String> rest = new TreeMap<>(parts);
        rest.remove("model");
        rest.remove("macaddr");
        rest.forEach((k, v) -> out.append(',').append(k).append('=').append(v));
        return out.toString();
    }

    /** @return the disk size in bytes from {@code size=}, or 0 */
    static long size(String drive) {
        String size = parse(drive).get("size");
        return size == null ? 0 : Sizes.parse(size);
    }

    public static boolean cdrom(String drive) {
        Map<String, String> parts = parse(drive);
        return "cdrom".equals(parts.get("media")) || "cdrom".equals(parts.get("file"))
                || "none".equals(parts.get("file"));
    }

    public static boolean cloudinit(String drive) {
        String file = parse(drive).getOrDefault("file", "");
        return file.contains("-cloudinit");
    }
}
