package io.pveq.core.internal.pve;

import io.pveq.core.InvalidSpecException;
import java.util.Objects;
import java.util.regex.Pattern;

/** Validation rules shared by the spec records, re-stating the PVE schema's formats. */
final class Checks {

    static final Pattern STORAGE_ID = Pattern.compile("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]");
    static final Pattern BRIDGE = Pattern.compile("[-_.A-Za-z0-9]+");
    static final Pattern DNS_NAME = Pattern.compile(
            "([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?");
    static final Pattern TAG = Pattern.compile("(?i)[a-z0-9_][a-z0-9_\\-+.]*");
    static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    static final Pattern MAC = Pattern.compile("(?i)[0-9a-f][02468ace](:[0-9a-f]{2}){5}");
    static final Pattern CPU_TYPE = Pattern.compile("[A-Za-z0-9_.+\\-]+");
    static final Pattern DISK_SLOT = Pattern.compile("(ide[0-3]|sata[0-5]|scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])"
            + "|efidisk0|tpmstate0)");
    static final Pattern ABSOLUTE_PATH = Pattern.compile("/[^\\x00-\\x1f,\"]*[^/\\x00-\\x1f,\"]");
    static final Pattern VOLUME_ID = Pattern.compile("(?i)([a-z][a-z0-9\\-_.]*[a-z0-9]):([^\\s,\"]+)");

    private Checks() {
    }

    static String matches(String field, Pattern pattern, String value, String what) {
        Objects.requireNonNull(value, field);
        if (!pattern.matcher(value).matches()) {
            throw new InvalidSpecException(field, "must be " + what + ", got '" + InvalidSpecException.shorten(value)
                    + "'");
        }
        return value;
    }

    static int atLeast(String field, int value, int min) {
        if (value < min) {
            throw new InvalidSpecException(field, "must be at least " + min + ", got " + value);
        }
        return value;
    }

    static int between(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidSpecException(field, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static String storage(String field, String value) {
        return matches(field, STORAGE_ID, value, "a Proxmox storage ID");
    }

    static String noControl(String field, String value) {
        Objects.requireNonNull(value, field);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                throw new InvalidSpecException(field, "must not contain control characters");
            }
        }
        return value;
    }

    static String singleLine(String field, String value) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty() || value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSpecException(field, "must be a non-empty single line without control characters");
        }
        return value;
    }
}
