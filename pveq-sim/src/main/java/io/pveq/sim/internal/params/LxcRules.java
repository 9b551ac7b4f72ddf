package io.pveq.sim.internal.params;

import static io.pveq.sim.internal.params.Rule.bool;
import static io.pveq.sim.internal.params.Rule.integer;
import static io.pveq.sim.internal.params.Rule.oneOf;
import static io.pveq.sim.internal.params.Rule.string;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator's rules for the container options it simulates in {@code PUT /nodes/{node}/lxc/{vmid}/config}
 * (PVE 8.4 / 9.1), written from pve-container's schema: host name, CPU, memory, swap, description, tags,
 * start at boot, protection, DNS and the {@code net[n]} property string. Other options answer 501.
 */
public final class LxcRules {

    /** How many {@code net[n]} slots a container has. */
    public static final int NETS = 32;

    private LxcRules() {
    }

    /** @return option name to rule for a config update of release {@code major} */
    public static Map<String, Rule> configOptions(int major) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        rules.put("hostname", Rule.format(v -> v.length() > 255 ? Optional.of("value may only be 255 characters long")
                : Formats.dnsName().check(v).map(e -> e.replace("invalid format - ", ""))));
        rules.put("memory", integer(16L, null));
        rules.put("swap", integer(0L, null));
        rules.put("cores", integer(1L, 8192L));
        rules.put("cpulimit", number(8192));
        rules.put("description", string(8192));
        rules.put("tags", Formats.tagList());
        rules.put("onboot", bool());
        rules.put("protection", bool());
        rules.put("nameserver", Formats.addressList());
        rules.put("searchdomain", string(0));
        for (int i = 0; i < NETS; i++) {
            rules.put("net" + i, net(major));
        }
        rules.put("delete", Rule.format(v -> v.matches("[a-z][a-z_\\-0-9]*([ ,;]+[a-z][a-z_\\-0-9]*)*")
                ? Optional.empty() : Optional.of("invalid configuration ID list '" + v + "'")));
        rules.put("digest", string(40));
        return rules;
    }

    /** A container NIC: {@code name=eth0,bridge=vmbr0,hwaddr=...,ip=dhcp|CIDR|manual,gw=...}. */
    public static PropertyString net(int major) {
        PropertyString.Builder net = PropertyString.builder()
                .key("name", new PropertyString.Required(Rule.pattern("[-_.\\w\\d]+")))
                .key("bridge", Formats.bridge())
                .key("hwaddr", Formats.macAddress())
                .key("ip", Formats.either(oneOf("dhcp", "manual"), Formats.ipv4Cidr()))
                .key("gw", Formats.ipv4())
                .key("ip6", Formats.either(oneOf("auto", "dhcp", "manual"), Formats.ipv6Cidr()))
                .key("gw6", Formats.ipv6())
                .key("firewall", bool())
                .key("link_down", bool())
                .key("mtu", integer(64L, 65535L))
                .key("rate", Rule.number(0L))
                .key("tag", integer(1L, 4094L))
                .key("trunks", Rule.pattern("\\d+(?:;\\d+)*"))
                .key("type", oneOf("veth"));
        if (major >= 9) {
            net.key("host-managed", bool());
        }
        return net.build();
    }

    private static Rule number(long max) {
        Rule base = Rule.number(0L);
        return value -> base.check(value).or(() -> Double.parseDouble(value) > max
                ? Optional.of("value must have a maximum value of " + max) : Optional.empty());
    }
}
