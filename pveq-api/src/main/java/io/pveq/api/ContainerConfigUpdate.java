package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A change to a container's configuration ({@code PUT /nodes/{node}/lxc/{vmid}/config}), synchronous
 * in Proxmox. Values are validated here; {@link #values()} holds them as Proxmox's parameters.
 *
 * @param values the parameters to set, in order
 * @param delete keys to remove
 * @param digest the digest of {@link ContainerConfig#digest()} the change is based on
 */
public record ContainerConfigUpdate(Map<String, String> values, List<String> delete, Optional<String> digest) {

    /** Validates and copies. */
    public ContainerConfigUpdate {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        delete = List.copyOf(delete);
        for (String key : delete) {
            if (!key.matches("[a-z][a-z0-9_\\-]*")) {
                throw new InvalidSpecException("delete", "must list config keys, got '" + InvalidSpecException.shorten(key) + "'");
            }
        }
        Objects.requireNonNull(digest, "digest");
        if (values.isEmpty() && delete.isEmpty()) {
            throw new InvalidSpecException("update", "sets and deletes nothing");
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ContainerConfigUpdate}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();
        private final List<String> delete = new ArrayList<>();
        private String digest;

        private Builder() {
        }

        /** @param hostname a DNS name @return this */
        public Builder hostname(String hostname) {
            if (hostname == null || hostname.length() > 255
                    || !hostname.matches("([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?")) {
                throw new InvalidSpecException("hostname", "must be a DNS name, got '" + InvalidSpecException.shorten(hostname) + "'");
            }
            values.put("hostname", hostname);
            return this;
        }

        /** @param cores 1 to 8192 @return this */
        public Builder cores(int cores) {
            if (cores < 1 || cores > 8192) {
                throw new InvalidSpecException("cores", "must be between 1 and 8192, got " + cores);
            }
            values.put("cores", Integer.toString(cores));
            return this;
        }

        /** @param mib memory limit, at least 16 @return this */
        public Builder memoryMiB(int mib) {
            if (mib < 16) {
                throw new InvalidSpecException("memory", "must be at least 16 MiB, got " + mib);
            }
            values.put("memory", Integer.toString(mib));
            return this;
        }

        /** @param mib swap limit, 0 or more @return this */
        public Builder swapMiB(int mib) {
            if (mib < 0) {
                throw new InvalidSpecException("swap", "must not be negative, got " + mib);
            }
            values.put("swap", Integer.toString(mib));
            return this;
        }

        /** @param text a description (shown in the GUI's notes) @return this */
        public Builder description(String text) {
            if (text == null || text.length() > 8192) {
                throw new InvalidSpecException("description", "must be at most 8192 characters");
            }
            values.put("description", text);
            return this;
        }

        /** @param start whether the container starts when its node boots @return this */
        public Builder startOnBoot(boolean start) {
            values.put("onboot", start ? "1" : "0");
            return this;
        }

        /**
         * A network device with a static IPv4 address.
         *
         * @param index   the slot number (0 to 31)
         * @param name    the interface name inside the container, e.g. {@code eth0}
         * @param bridge  the host bridge, e.g. {@code vmbr0}
         * @param address the address and prefix
         * @param gateway the gateway, if any
         * @return this
         */
        public Builder nic(int index, String name, String bridge, Ipv4Cidr address, Optional<Ipv4Address> gateway) {
            StringBuilder value = new StringBuilder(nicBase(index, name, bridge)).append(",ip=").append(address);
            gateway.ifPresent(g -> value.append(",gw=").append(g));
            values.put("net" + index, value.toString());
            return this;
        }

        /** A network device that takes its IPv4 address by DHCP. @return this */
        public Builder dhcpNic(int index, String name, String bridge) {
            values.put("net" + index, nicBase(index, name, bridge) + ",ip=dhcp");
            return this;
        }

        private static String nicBase(int index, String name, String bridge) {
            if (index < 0 || index > 31) {
                throw new InvalidSpecException("net", "slot must be between 0 and 31, got " + index);
            }
            if (name == null || !name.matches("[-_.\\w]{1,15}")) {
                throw new InvalidSpecException("net" + index, "interface name must be letters, digits, -_. (at most 15), got '"
                        + InvalidSpecException.shorten(name) + "'");
            }
            if (bridge == null || !bridge.matches("[-_.\\w]+")) {
                throw new InvalidSpecException("net" + index, "bridge must be a bridge name, got '"
                        + InvalidSpecException.shorten(bridge) + "'");
            }
            return "name=" + name + ",bridge=" + bridge;
        }

        /** @param keys config keys to remove @return this */
        public Builder delete(String... keys) {
            delete.addAll(List.of(keys));
            return this;
        }

        /** @param digest the {@link ContainerConfig#digest()} this change is based on @return this */
        public Builder digest(String digest) {
            if (digest == null || !digest.matches("[0-9a-fA-F]{40,64}")) {
                throw new InvalidSpecException("digest", "must be the digest read with the config, got '"
                        + InvalidSpecException.shorten(digest) + "'");
            }
            this.digest = digest;
            return this;
        }

        /** @return the update */
        public ContainerConfigUpdate build() {
            return new ContainerConfigUpdate(values, delete, Optional.ofNullable(digest));
        }
    }
}
