package io.pveq.sim.internal;

import io.pveq.sim.internal.state.VmState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The NoCloud files a Proxmox VE node hands a guest, rendered byte for byte as qemu-server's
 * {@code Cloudinit.pm} does (see {@code ../shared/reference/proxmox/CLOUDINIT.md}): user-data,
 * network-config (version 1) and meta-data whose {@code instance-id} is the SHA-1 of the other two.
 */
public final class CloudInit {

    static final Set<String> KEYS = Set.of("ciuser", "cipassword", "sshkeys", "nameserver", "searchdomain",
            "citype", "ciupgrade");

    /** The three generated files, as written into the seed. */
    public record Files(String userData, String networkConfig, String metaData) {
    }

    private CloudInit() {
    }

    /** @return the files for {@code vm}, {@code fallbackDns} standing in for the node's resolv.conf */
    public static Files files(VmState vm, List<String> fallbackDns) {
        return files(vm.vmid, vm.config, vm.secrets.get("cipassword"), fallbackDns);
    }

    /**
     * @param vmid        the VM id (default host name {@code VM<vmid>})
     * @param config      the VM config
     * @param password    the stored {@code cipassword} value, or null
     * @param fallbackDns nameservers of the node, used when the config sets neither nameserver nor search domain
     * @return the files
     */
    public static Files files(int vmid, Map<String, String> config, String password, List<String> fallbackDns) {
        String user = userData(vmid, config, password);
        String network = networkData(config, fallbackDns);
        return new Files(user, network, "instance-id: " + sha1(user + network) + "\n");
    }

    /** @return the node's stand-in for /etc/resolv.conf: a simulated node names itself as its resolver */
    public static List<String> nodeDns(io.pveq.sim.internal.state.ClusterState state, VmState vm) {
        return state.node(vm.node).map(n -> List.of(n.address)).orElse(List.of());
    }

    static String userData(VmState vm) {
        return userData(vm.vmid, vm.config, vm.secrets.get("cipassword"));
    }

    static String userData(int vmid, Map<String, String> config, String password) {
        String name = config.getOrDefault("name", "VM" + vmid);
        String hostname = name;
        String fqdn = name;
        int dot = name.indexOf('.');
        if (dot >= 0) {
            hostname = name.substring(0, dot);
        } else if (config.containsKey("searchdomain")) {
            fqdn = name + "." + config.get("searchdomain");
        }
        StringBuilder out = new StringBuilder("#cloud-config\n");
        out.append("hostname: ").append(hostname).append('\n');
        out.append("manage_etc_hosts: true\n");
        out.append("fqdn: ").append(fqdn).append('\n');
        String user = config.get("ciuser");
        if (user != null) {
            out.append("user: ").append(user).append('\n');
            if (user.equals("root")) {
                out.append("disable_root: False\n");
            }
        }
        if (password != null) {
            out.append("password: ").append(password).append('\n');
        }
        String keys = config.get("sshkeys");
        if (keys != null) {
            out.append("ssh_authorized_keys:\n");
            for (String key : VmSettings.uriUnescape(keys).split("\n")) {
                if (!key.isBlank()) {
                    out.append("  - ").append(key).append('\n');
                }
            }
        }
        out.append("chpasswd:\n  expire: False\n");
        if (!"root".equals(user)) {
            out.append("users:\n  - default\n");
        }
        if (!"0".equals(config.get("ciupgrade"))) {
            out.append("package_upgrade: true\n");
        }
        return out.toString();
    }

    static String networkData(VmState vm, List<String> fallbackDns) {
        return networkData(vm.config, fallbackDns);
    }

    static String networkData(Map<String, String> config, List<String> fallbackDns) {
        StringBuilder out = new StringBuilder("version: 1\nconfig:\n");
        // Perl's sort: net0, net1, net10, net2
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            if (!Drives.NET_KEY.matcher(entry.getKey()).matches()) {
                continue;
            }
            String index = entry.getKey().substring(3);
            String ipconfig = config.get("ipconfig" + index);
            if (ipconfig == null) {
                continue;
            }
            String mac = entry.getValue().replaceFirst("^[^=,]+=([^,]+).*$", "$1").toLowerCase(java.util.Locale.ROOT);
            out.append("    - type: physical\n      name: eth").append(index).append('\n');
            out.append("      mac_address: '").append(mac).append("'\n");
            out.append("      subnets:\n");
            Map<String, String> ip = Drives.parse(ipconfig);
            String v4 = ip.get("ip");
            String v6 = ip.get("ip6");
            if (v4 == null && v6 == null) {
                v4 = "dhcp";
                v6 = "dhcp";
            }
            if ("dhcp".equals(v4)) {
                out.append("      - type: dhcp4\n");
            } else if (v4 != null) {
                String[] cidr = v4.split("/");
                out.append("      - type: static\n        address: '").append(cidr[0]).append("'\n");
                out.append("        netmask: '").append(netmask(Integer.parseInt(cidr[1]))).append("'\n");
                if (ip.containsKey("gw")) {
                    out.append("        gateway: '").append(ip.get("gw")).append("'\n");
                }
            }
            if ("dhcp".equals(v6)) {
                out.append("      - type: dhcp6\n");
            } else if ("auto".equals(v6)) {
                out.append("      - type: ipv6_slaac\n");
            } else if (v6 != null) {
                out.append("      - type: static6\n        address: '").append(v6).append("'\n");
                if (ip.containsKey("gw6")) {
                    out.append("        gateway: '").append(ip.get("gw6")).append("'\n");
                }
            }
        }
        List<String> servers = split(config.get("nameserver"));
        List<String> search = split(config.get("searchdomain"));
        if (servers.isEmpty() && search.isEmpty()) {
            servers = fallbackDns;
        }
        if (!servers.isEmpty() || !search.isEmpty()) {
            out.append("    - type: nameserver\n");
            if (!servers.isEmpty()) {
                out.append("      address:\n");
                servers.forEach(s -> out.append("      - '").append(s).append("'\n"));
            }
            if (!search.isEmpty()) {
                out.append("      search:\n");
                search.forEach(s -> out.append("      - '").append(s).append("'\n"));
            }
        }
        return out.toString();
    }

    private static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        if (list != null) {
            for (String item : list.split("[ ,;]+")) {
                if (!item.isEmpty()) {
                    out.add(item);
                }
            }
        }
        return out;
    }

    static String netmask(int prefix) {
        long mask = prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
        return ((mask >> 24) & 255) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
    }

    static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the IPv4 address (without prefix) of ipconfig0, if static */
    public static Optional<String> address(VmState vm) {
        String ipconfig = vm.config.get("ipconfig0");
        if (ipconfig == null) {
            return Optional.empty();
        }
        String ip = Drives.parse(ipconfig).get("ip");
        if (ip == null || !ip.contains("/")) {
            return Optional.empty();
        }
        return Optional.of(ip.substring(0, ip.indexOf('/')));
    }
}
