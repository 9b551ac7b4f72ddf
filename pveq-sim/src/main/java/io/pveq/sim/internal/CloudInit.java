package io.pveq.sim.internal;

import io.pveq.sim.internal.state.VmState;
import java.util.Map;
import java.util.Set;

/** The cloud-init data a VM would receive, rendered like Proxmox's NoCloud generator. */
final class CloudInit {

    static final Set<String> KEYS = Set.of("ciuser", "cipassword", "sshkeys", "nameserver", "searchdomain",
            "citype", "ciupgrade");

    private CloudInit() {
    }

    static String userData(VmState vm) {
        String name = vm.config.getOrDefault("name", "VM" + vm.vmid);
        StringBuilder out = new StringBuilder("#cloud-config\n");
        out.append("hostname: ").append(name).append('\n');
        out.append("manage_etc_hosts: true\n");
        out.append("fqdn: ").append(name).append('\n');
        String user = vm.config.get("ciuser");
        if (user != null) {
            out.append("user: ").append(user).append('\n');
        }
        if (vm.secrets.containsKey("cipassword")) {
            out.append("password: ").append(VmSettings.HIDDEN).append('\n');
        }
        String keys = vm.config.get("sshkeys");
        if (keys != null) {
            out.append("ssh_authorized_keys:\n");
            for (String key : VmSettings.uriUnescape(keys).split("\n")) {
                if (!key.isBlank()) {
                    out.append("  - ").append(key.strip()).append('\n');
                }
            }
        }
        out.append("chpasswd:\n  expire: False\n");
        out.append("users:\n  - default\n");
        out.append("package_upgrade: ").append("0".equals(vm.config.get("ciupgrade")) ? "false" : "true").append('\n');
        return out.toString();
    }

    static String networkData(VmState vm) {
        StringBuilder out = new StringBuilder("version: 1\nconfig:\n");
        for (Map.Entry<String, String> entry : vm.config.entrySet()) {
            if (!Drives.NET_KEY.matcher(entry.getKey()).matches()) {
                continue;
            }
            String index = entry.getKey().substring(3);
            String mac = entry.getValue().replaceFirst("^[^=]+=([^,]+).*$", "$1").toLowerCase(java.util.Locale.ROOT);
            out.append("    - type: physical\n      name: eth").append(index).append('\n');
            out.append("      mac_address: '").append(mac).append("'\n");
            String ipconfig = vm.config.get("ipconfig" + index);
            if (ipconfig != null) {
                out.append("      subnets:\n");
                Map<String, String> ip = Drives.parse(ipconfig);
                String address = ip.get("ip");
                if ("dhcp".equals(address)) {
                    out.append("      - type: dhcp4\n");
                } else if (address != null) {
                    String[] cidr = address.split("/");
                    out.append("      - type: static\n        address: '").append(cidr[0]).append("'\n");
                    out.append("        netmask: '").append(netmask(Integer.parseInt(cidr[1]))).append("'\n");
                    if (ip.containsKey("gw")) {
                        out.append("        gateway: '").append(ip.get("gw")).append("'\n");
                    }
                }
            }
        }
        String nameserver = vm.config.get("nameserver");
        String search = vm.config.get("searchdomain");
        if (nameserver != null || search != null) {
            out.append("    - type: nameserver\n");
            if (nameserver != null) {
                out.append("      address:\n");
                for (String server : nameserver.split("[ ,;]+")) {
                    out.append("      - '").append(server).append("'\n");
                }
            }
            if (search != null) {
                out.append("      search:\n");
                for (String domain : search.split("[ ,;]+")) {
                    out.append("      - '").append(domain).append("'\n");
                }
            }
        }
        return out.toString();
    }

    static String netmask(int prefix) {
        long mask = prefix == 0 ? 0 : 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
        return ((mask >> 24) & 255) + "." + ((mask >> 16) & 255) + "." + ((mask >> 8) & 255) + "." + (mask & 255);
    }

    /** @return the IPv4 address (without prefix) of ipconfig0, if static */
    static java.util.Optional<String> address(VmState vm) {
        String ipconfig = vm.config.get("ipconfig0");
        if (ipconfig == null) {
            return java.util.Optional.empty();
        }
        String ip = Drives.parse(ipconfig).get("ip");
        if (ip == null || !ip.contains("/")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(ip.substring(0, ip.indexOf('/')));
    }
}
