package io.pveq.api;

import io.pveq.core.NodeName;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id of a Proxmox task ("unique process id"), as every long operation returns it:
 * {@code UPID:<node>:<pid 8 hex>:<pstart 8-9 hex>:<starttime 8 hex>:<type>:<id>:<user>:}. The task's
 * status and log are read from the node named in it.
 *
 * @param value     the whole UPID text
 * @param node      the node running the task
 * @param pid       the worker's process id
 * @param pstart    the worker's start time in clock ticks since boot
 * @param startTime when the task started
 * @param type      the task type, e.g. {@code qmcreate}, {@code qmstart}, {@code imgcopy}, {@code download}
 * @param id        what the task is about (often a VMID), empty when none
 * @param user      who started it, e.g. {@code root@pam} or {@code pveq@pve!provision}
 */
public record Upid(String value, NodeName node, long pid, long pstart, Instant startTime, String type, String id,
                   String user) {

    private static final Pattern FORMAT = Pattern.compile(
            "UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):"
                    + "([^:\\s]+):([^:\\s]*):([^:\\s]+):");

    /** Validates. */
    public Upid {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
    }

    /**
     * @param text a UPID as Proxmox returns it
     * @return the parsed UPID
     * @throws IllegalArgumentException when {@code text} is not a UPID
     */
    public static Upid parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException(
                "not a Proxmox task id (UPID:node:pid:pstart:starttime:type:id:user:): '"
                        + (text != null && text.length() > 200 ? text.substring(0, 200) + "..." : text) + "'"));
    }

    /**
     * @param text any text, may be null
     * @return the UPID, or empty when {@code text} is not one
     */
    public static Optional<Upid> tryParse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Upid(text.strip(), NodeName.of(m.group(1)), Long.parseLong(m.group(3), 16),
                Long.parseLong(m.group(4), 16), Instant.ofEpochSecond(Long.parseLong(m.group(5), 16)), m.group(6),
                m.group(7), m.group(8)));
    }

    @Override
    public String toString() {
        return value;
    }
}
