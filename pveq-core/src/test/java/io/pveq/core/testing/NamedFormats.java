package io.pveq.core.testing;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The named string formats of the PVE schema ({@code "format": "pve-bridge-id"} and so on) that
 * pveq's command lines touch, re-stated from PVE's documented rules. Property-string formats that the
 * schema names instead of spelling out ({@code pve-qm-ipconfig}, {@code pve-qm-boot},
 * {@code pve-vm-cpu-conf}, ...) have their keys read from the parameter's {@code typetext}. Formats
 * not listed here are accepted unchecked (pveq does not produce them).
 */
final class NamedFormats {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    private static final Pattern STORAGE_ID = Pattern.compile("(?i)[a-z][a-z0-9\\-_.]*[a-z0-9]");
    private static final Pattern NODE = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?");
    private static final Pattern DNS_NAME = Pattern.compile(
            "([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?");
    private static final Pattern BRIDGE = Pattern.compile("[-_.\\w\\d]+");
    private static final Pattern MAC = Pattern.compile("(?i)[0-9a-f][02468ace](:[0-9a-f]{2}){5}");
    private static final Pattern TAG = Pattern.compile("(?i)[a-z0-9_][a-z0-9_\\-+.]*");
    private static final Pattern URLENCODED = Pattern.compile("([a-zA-Z0-9\\-_.!~*'()]|%[0-9a-fA-F]{2})*");
    private static final Pattern DISK_SIZE = Pattern.compile("\\d+(\\.\\d+)?[KMGT]?");
    private static final Pattern BOOT_DEVICE = Pattern.compile("(ide|sata|scsi|virtio|net|efidisk|hostpci|usb)\\d+");
    private static final Pattern CPU_TYPE = Pattern.compile("[A-Za-z0-9_.+\\-]+");
    private static final Pattern CPU_FLAGS = Pattern.compile("[+-][A-Za-z0-9_\\-.]+(;[+-][A-Za-z0-9_\\-.]+)*");
    private static final Pattern TYPETEXT_KEY = Pattern.compile("(?:^|[\\[,\\s])([A-Za-z][A-Za-z0-9_\\-]*)=(\\])?");

    private NamedFormats() {
    }

    static void check(SchemaValidator v, String where, String format, String typetext, String value) {
        switch (format) {
            case "pve-node" -> require(v, where, NODE, value, "a node name");
            case "dns-name" -> require(v, where, DNS_NAME, value, "a DNS name");
            case "pve-storage-id" -> require(v, where, STORAGE_ID, value, "a storage ID");
            case "pve-bridge-id" -> require(v, where, BRIDGE, value, "a bridge name");
            case "mac-addr" -> require(v, where, MAC, value, "a unicast MAC address");
            case "urlencoded" -> require(v, where, URLENCODED, value,
                    "URL-encoded text (%XX escapes, no spaces or '+')");
            case "disk-size" -> require(v, where, DISK_SIZE, value, "a disk size like 32G");
            case "pve-tag-list" -> {
                for (String tag : value.split("[;, ]+", -1)) {
                    require(v, where, TAG, tag, "a tag");
                }
            }
            case "address-list" -> {
                for (String address : value.split("[,; ]+", -1)) {
                    if (!isIp(address)) {
                        v.fail(where, "'" + address + "' is not an IP address");
                    }
                }
            }
            case "CIDR" -> checkCidr(v, where, value, true, true);
            case "pve-volume-id-or-qm-path" -> checkVolumeOrPath(v, where, value, true);
            case "pve-volume-id-or-absolute-path" -> checkVolumeOrPath(v, where, value, false);
            case "storage-pair-list" -> checkStoragePairs(v, where, value);
            case "pve-qm-ipconfig" -> checkIpConfig(v, where, typetext, value);
            case "pve-qm-boot" -> checkBoot(v, where, typetext, value);
            case "pve-vm-cpu-conf" -> checkCpu(v, where, typetext, value);
            default -> {
                if (typetext.contains("=")) {
                    keysFromTypetext(v, where, typetext, value);
                }
            }
        }
    }

    private static void require(SchemaValidator v, String where, Pattern pattern, String value, String what) {
        if (!pattern.matcher(value).matches()) {
            v.fail(where, "'" + value + "' is not " + what);
        }
    }

    static boolean isIp(String text) {
        return IPV4.matcher(text).matches() || isIpv6(text);
    }

    private static boolean isIpv6(String text) {
        if (!IPV6.matcher(text).matches() || text.contains(":::") || text.indexOf("::") != text.lastIndexOf("::")) {
            return false;
        }
        int groups = text.split(":", -1).length;
        return groups >= 3 && groups <= 8;
    }

    private static void checkCidr(SchemaValidator v, String where, String value, boolean allow4, boolean allow6) {
        int slash = value.indexOf('/');
        if (slash < 0) {
            v.fail(where, "'" + value + "' is not in CIDR notation (address/prefix)");
            return;
        }
        String address = value.substring(0, slash);
        String prefix = value.substring(slash + 1);
        boolean v4 = IPV4.matcher(address).matches();
        boolean v6 = !v4 && isIpv6(address);
        int max = v4 ? 32 : 128;
        if (!(v4 && allow4 || v6 && allow6) || !prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > max) {
            v.fail(where, "'" + value + "' is not a valid " + (allow6 ? (allow4 ? "" : "IPv6 ") : "IPv4 ") + "CIDR");
        }
    }

    private static void checkVolumeOrPath(SchemaValidator v, String where, String value, boolean qmPath) {
        if (qmPath && (value.equals("none") || value.equals("cdrom"))) {
            return;
        }
        if (value.startsWith("/")) {
            if (value.length() < 2 || value.contains("\0")) {
                v.fail(where, "'" + value + "' is not an absolute path");
            }
            return;
        }
        int colon = value.indexOf(':');
        if (colon < 0 || !STORAGE_ID.matcher(value.substring(0, colon)).matches() || colon == value.length() - 1) {
            v.fail(where, "'" + value + "' is neither STORAGE:VOLUME nor an absolute path");
        }
    }

    private static void checkStoragePairs(SchemaValidator v, String where, String value) {
        if (value.equals("1")) {
            return;
        }
        for (String pair : value.split(",", -1)) {
            for (String storage : pair.split(":", -1)) {
                require(v, where, STORAGE_ID, storage, "a storage ID");
            }
        }
    }

    /** Keys of a property string documented only by its typetext, the default key marked {@code [key=]}. */
    static Map<String, String> keysFromTypetext(SchemaValidator v, String where, String typetext, String value) {
        Set<String> keys = new HashSet<>();
        String defaultKey = null;
        Matcher m = TYPETEXT_KEY.matcher(typetext);
        while (m.find()) {
            keys.add(m.group(1));
            if (m.group(2) != null) {
                defaultKey = m.group(1);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String part : SchemaValidator.splitParts(value)) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? defaultKey : part.substring(0, eq);
            String keyValue = eq < 0 ? part : part.substring(eq + 1);
            if (key == null) {
                v.fail(where, "'" + part + "' has no key and the format has no default key");
            } else if (!keys.contains(key)) {
                v.fail(where + "." + key, "unknown key in property string '" + value + "' (known: " + keys + ")");
            } else if (values.put(key, keyValue) != null) {
                v.fail(where + "." + key, "key given more than once");
            }
        }
        return values;
    }

    private static void checkIpConfig(SchemaValidator v, String where, String typetext, String value) {
        Map<String, String> values = keysFromTypetext(v, where, typetext, value);
        String ip = values.get("ip");
        if (ip != null && !ip.equals("dhcp")) {
            checkCidr(v, where + ".ip", ip, true, false);
        }
        String ip6 = values.get("ip6");
        if (ip6 != null && !ip6.equals("dhcp") && !ip6.equals("auto")) {
            checkCidr(v, where + ".ip6", ip6, false, true);
        }
        if (values.containsKey("gw") && !IPV4.matcher(values.get("gw")).matches()) {
            v.fail(where + ".gw", "'" + values.get("gw") + "' is not an IPv4 address");
        }
        if (values.containsKey("gw") && (ip == null || ip.equals("dhcp"))) {
            v.fail(where + ".gw", "a gateway needs a static IPv4 address");
        }
        if (values.containsKey("gw6") && !isIpv6(values.get("gw6"))) {
            v.fail(where + ".gw6", "'" + values.get("gw6") + "' is not an IPv6 address");
        }
    }

    private static void checkBoot(SchemaValidator v, String where, String typetext, String value) {
        Map<String, String> values = keysFromTypetext(v, where, typetext, value);
        if (values.containsKey("legacy") && !values.get("legacy").matches("[acdn]{1,4}")) {
            v.fail(where + ".legacy", "'" + values.get("legacy") + "' is not [acdn]{1,4}");
        }
        if (values.containsKey("order")) {
            for (String device : values.get("order").split(";", -1)) {
                require(v, where + ".order", BOOT_DEVICE, device, "a boot device");
            }
        }
    }

    private static void checkCpu(SchemaValidator v, String where, String typetext, String value) {
        Map<String, String> values = keysFromTypetext(v, where, typetext, value);
        if (values.containsKey("cputype")) {
            require(v, where + ".cputype", CPU_TYPE, values.get("cputype"), "a CPU model name");
            if (values.get("cputype").equals("x86-64-v1")) {
                v.fail(where + ".cputype", "PVE has no x86-64-v1 model");
            }
        }
        if (values.containsKey("flags")) {
            require(v, where + ".flags", CPU_FLAGS, values.get("flags"), "+FLAG;-FLAG list");
        }
    }
}
