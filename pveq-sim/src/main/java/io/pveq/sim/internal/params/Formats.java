package io.pveq.sim.internal.params;

import java.util.Optional;
import java.util.regex.Pattern;

/** Proxmox's named string formats, as far as the simulator checks them. */
public final class Formats {

    private static final String LABEL = "[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?";
    private static final Pattern DNS_NAME = Pattern.compile("(" + LABEL + "\\.)*" + LABEL);
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*");
    private static final Pattern VOLUME_ID = Pattern.compile("([a-z][a-z0-9\\-_.]*[a-z0-9]):(.+)");
    private static final Pattern MAC = Pattern.compile("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}");
    private static final Pattern URLENCODED = Pattern.compile("[-%a-zA-Z0-9_.!~*'()]*");
    private static final Pattern TAG = Pattern.compile("(?i)[a-z0-9_][a-z0-9_\\-+.]*");
    private static final Pattern BRIDGE = Pattern.compile("[-_.\\w\\d]+");
    private static final Pattern DISK_SIZE = Pattern.compile("\\d+(\\.\\d+)?[KMGT]?");

    private Formats() {
    }

    public static Rule dnsName() {
        return Rule.format(v -> DNS_NAME.matcher(v).matches() ? Optional.empty()
                : Optional.of("value does not look like a valid DNS name"));
    }

    public static Rule diskSize() {
        return Rule.format(v -> DISK_SIZE.matcher(v).matches() ? Optional.empty()
                : Optional.of("unable to parse size '" + v + "'"));
    }

    /** {@code STORAGE:VOLUME}, {@code STORAGE:SIZE} (allocate), {@code none}, {@code cdrom} or a /dev path. */
    public static Rule volumeOrPath() {
        return Rule.format(v -> VOLUME_ID.matcher(v).matches() || v.equals("none") || v.equals("cdrom")
                || v.startsWith("/") ? Optional.empty() : Optional.of("unable to parse volume ID '" + v + "'"));
    }

    /** A volume id or an absolute path (import-from). */
    public static Rule volumeOrAbsolutePath() {
        return Rule.format(v -> VOLUME_ID.matcher(v).matches() || v.startsWith("/") ? Optional.empty()
                : Optional.of("unable to parse volume ID '" + v + "'"));
    }

    public static Rule macAddress() {
        return Rule.format(v -> {
            if (!MAC.matcher(v).matches()) {
                return Optional.of("value does not look like a valid unicast MAC address");
            }
            int first = Integer.parseInt(v.substring(0, 2), 16);
            return (first & 1) == 0 ? Optional.empty()
                    : Optional.of("value does not look like a valid unicast MAC address");
        });
    }

    public static Rule bridge() {
        return Rule.format(v -> BRIDGE.matcher(v).matches() ? Optional.empty()
                : Optional.of("value does not look like a valid bridge name"));
    }

    public static Rule urlencoded() {
        return Rule.format(v -> URLENCODED.matcher(v).matches() ? Optional.empty()
                : Optional.of("value '" + v + "' is not urlencoded"));
    }

    public static Rule tagList() {
        return Rule.format(v -> {
            if (v.isEmpty()) {
                return Optional.of("invalid tag ''");
            }
            for (String tag : v.split("[;, ]")) {
                if (!tag.isEmpty() && !TAG.matcher(tag).matches()) {
                    return Optional.of("invalid tag '" + tag + "'");
                }
            }
            return Optional.empty();
        });
    }

    public static Rule addressList() {
        return Rule.format(v -> {
            if (v.isBlank()) {
                return Optional.of("value '' does not look like a valid IP address");
            }
            for (String address : v.split("[ ,;]+")) {
                if (!address.isEmpty() && !isIpv4(address) && !isIpv6(address)) {
                    return Optional.of("value '" + address + "' does not look like a valid IP address");
                }
            }
            return Optional.empty();
        });
    }

    public static boolean isIpv4(String text) {
        return IPV4.matcher(text).matches();
    }

    public static boolean isIpv6(String text) {
        return IPV6.matcher(text).matches() && text.chars().filter(c -> c == ':').count() >= 2;
    }

    /** IPv4 address with prefix length, e.g. {@code 192.0.2.5/24}. */
    public static Rule ipv4Cidr() {
        return Rule.format(v -> {
            int slash = v.indexOf('/');
            if (slash < 0 || !isIpv4(v.substring(0, slash)) || !v.substring(slash + 1).matches("\\d{1,2}")
                    || Integer.parseInt(v.substring(slash + 1)) > 32) {
                return Optional.of("value does not look like a valid IPv4 network configuration");
            }
            return Optional.empty();
        });
    }

    public static Rule ipv6Cidr() {
        return Rule.format(v -> {
            int slash = v.indexOf('/');
            if (slash < 0 || !isIpv6(v.substring(0, slash)) || !v.substring(slash + 1).matches("\\d{1,3}")
                    || Integer.parseInt(v.substring(slash + 1)) > 128) {
                return Optional.of("value does not look like a valid IPv6 network configuration");
            }
            return Optional.empty();
        });
    }

    public static Rule ipv4() {
        return Rule.format(v -> isIpv4(v) ? Optional.empty()
                : Optional.of("value does not look like a valid IPv4 address"));
    }

    public static Rule ipv6() {
        return Rule.format(v -> isIpv6(v) ? Optional.empty()
                : Optional.of("value does not look like a valid IPv6 address"));
    }

    /** Proxmox's {@code storage-pair-list}: {@code STORAGE}, {@code 1}, or {@code SRC:DST} pairs. */
    public static Rule storagePairList() {
        return Rule.format(v -> {
            if (v.equals("1")) {
                return Optional.empty();
            }
            for (String pair : v.split(",", -1)) {
                for (String storage : pair.split(":", -1)) {
                    if (!storage.matches("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]")) {
                        return Optional.of("storage ID '" + storage + "' contains illegal characters");
                    }
                }
            }
            return Optional.empty();
        });
    }

    /** Either of two rules. */
    public static Rule either(Rule first, Rule second) {
        return v -> first.check(v).isEmpty() ? Optional.empty() : second.check(v);
    }
}
