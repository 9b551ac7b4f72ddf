package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.Secret;
import io.pveq.core.SshPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * VM configuration values, shared by {@link VmCreateSpec} and {@link VmConfigUpdate}: hardware,
 * disks, network, cloud-init. Only what is set is sent. Values are checked here against Proxmox's
 * rules (names, ranges, property-string characters) so a bad value fails before any request; the
 * client encodes them in one place (property strings, {@code sshkeys} percent-encoded with {@code %20},
 * booleans as {@code 1}/{@code 0}, the cloud-init password as a SHA-256-crypt hash unless it is a hash
 * already). Immutable.
 *
 * @param name          the VM name (a DNS name)
 * @param memoryMiB     memory in MiB, at least 16
 * @param balloonMiB    balloon target in MiB, 0 turns the balloon driver off
 * @param cores         cores per socket
 * @param sockets       sockets
 * @param cpuType       the CPU model, e.g. {@code x86-64-v2-AES}, {@code host}
 * @param osType        the guest OS type, e.g. {@code l26}
 * @param scsiHardware  the SCSI controller, e.g. {@code virtio-scsi-single}
 * @param disks         disks and drives
 * @param nics          network devices
 * @param ipConfigs     cloud-init addressing per interface
 * @param ciUser        cloud-init user
 * @param ciPassword    cloud-init password (plain or a crypt(3) hash)
 * @param sshKeys       cloud-init public keys
 * @param nameservers   cloud-init DNS servers
 * @param searchDomain  cloud-init DNS search domain
 * @param ciUpgrade     whether cloud-init upgrades packages at first boot (Proxmox's default is yes)
 * @param agent         whether the QEMU guest agent is enabled
 * @param serialSocket  a serial port N given as {@code serialN: socket}
 * @param vga           the display, e.g. {@code serial0}, {@code std}
 * @param bootOrder     boot devices in order, e.g. {@code scsi0}
 * @param onBoot        start when the node boots
 * @param tags          tags
 * @param description   notes shown in the GUI
 * @param extra         any other parameter of the endpoint, by name, as Proxmox takes it (checked by Proxmox only)
 */
public record VmSettings(Optional<String> name, OptionalInt memoryMiB, OptionalInt balloonMiB, OptionalInt cores,
                         OptionalInt sockets, Optional<String> cpuType, Optional<String> osType,
                         Optional<String> scsiHardware, List<DiskSpec> disks, List<NicSpec> nics,
                         List<IpConfigSpec> ipConfigs, Optional<String> ciUser, Optional<Secret> ciPassword,
                         List<SshPublicKey> sshKeys, List<String> nameservers, Optional<String> searchDomain,
                         Optional<Boolean> ciUpgrade, Optional<Boolean> agent, OptionalInt serialSocket,
                         Optional<String> vga, List<String> bootOrder, Optional<Boolean> onBoot, List<String> tags,
                         Optional<String> description, Map<String, String> extra) {

    private static final Pattern DNS_NAME = Pattern.compile(
            "([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?\\.)*[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.+\\-]{1,64}");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9_\\-+.]*");
    private static final Pattern IP = Pattern.compile("[0-9a-fA-F.:]{2,45}");
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_\\-]*");

    /** Validates and copies. */
    public VmSettings {
        Objects.requireNonNull(name, "name").ifPresent(n -> require("name", DNS_NAME, n, "a DNS name"));
        Objects.requireNonNull(memoryMiB, "memoryMiB").ifPresent(m -> atLeast("memory", m, 16));
        Objects.requireNonNull(balloonMiB, "balloonMiB").ifPresent(m -> atLeast("balloon", m, 0));
        Objects.requireNonNull(cores, "cores").ifPresent(c -> atLeast("cores", c, 1));
        Objects.requireNonNull(sockets, "sockets").ifPresent(s -> atLeast("sockets", s, 1));
        Objects.requireNonNull(cpuType, "cpuType").ifPresent(c -> require("cpu", WORD, c, "a CPU model name"));
        Objects.requireNonNull(osType, "osType").ifPresent(o -> require("ostype", WORD, o, "an OS type such as l26"));
        Objects.requireNonNull(scsiHardware, "scsiHardware").ifPresent(s -> require("scsihw", WORD, s, "a controller"));
        disks = List.copyOf(disks);
        nics = List.copyOf(nics);
        ipConfigs = List.copyOf(ipConfigs);
        Objects.requireNonNull(ciUser, "ciUser").ifPresent(u -> require("ciuser", WORD, u, "a user name"));
        Objects.requireNonNull(ciPassword, "ciPassword");
        sshKeys = List.copyOf(sshKeys);
        nameservers = List.copyOf(nameservers);
        nameservers.forEach(n -> require("nameserver", IP, n, "an IP address"));
        Objects.requireNonNull(searchDomain, "searchDomain").ifPresent(d -> require("searchdomain", DNS_NAME, d,
                "a DNS domain"));
        Objects.requireNonNull(ciUpgrade, "ciUpgrade");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(serialSocket, "serialSocket").ifPresent(s -> {
            if (s < 0 || s > 3) {
                throw new InvalidSpecException("serial", "port must be 0-3, got " + s);
            }
        });
        Objects.requireNonNull(vga, "vga");
        bootOrder = List.copyOf(bootOrder);
        Objects.requireNonNull(onBoot, "onBoot");
        tags = List.copyOf(tags);
        tags.forEach(t -> require("tags", TAG, t, "a tag (letters, digits, _ - + .)"));
        Objects.requireNonNull(description, "description");
        extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        extra.keySet().forEach(k -> require("option", KEY, k, "a Proxmox parameter name"));
        uniqueSlots(disks.stream().map(DiskSpec::slot).toList(), "disk");
        uniqueSlots(nics.stream().map(n -> "net" + n.index()).toList(), "net");
        uniqueSlots(ipConfigs.stream().map(i -> "ipconfig" + i.index()).toList(), "ipconfig");
    }

    private static void require(String field, Pattern pattern, String value, String what) {
        if (!pattern.matcher(value).matches()) {
            throw new InvalidSpecException(field, "must be " + what + ", got '" + InvalidSpecException.shorten(value) + "'");
        }
    }

    private static void atLeast(String field, int value, int min) {
        if (value < min) {
            throw new InvalidSpecException(field, "must be at least " + min + ", got " + value);
        }
    }

    private static void uniqueSlots(List<String> slots, String field) {
        if (slots.size() != slots.stream().distinct().count()) {
            throw new InvalidSpecException(field, "the same slot is given twice: " + slots);
        }
    }

    /**
     * The setters shared by {@link VmCreateSpec.Builder} and {@link VmConfigUpdate.Builder}. Not thread-safe.
     *
     * @param <B> the concrete builder
     */
    public abstract static class Builder<B extends Builder<B>> {
        private String name;
        private Integer memoryMiB;
        private Integer balloonMiB;
        private Integer cores;
        private Integer sockets;
        private String cpuType;
        private String osType;
        private String scsiHardware;
        private final List<DiskSpec> disks = new ArrayList<>();
        private final List<NicSpec> nics = new ArrayList<>();
        private final List<IpConfigSpec> ipConfigs = new ArrayList<>();
        private String ciUser;
        private Secret ciPassword;
        private final List<SshPublicKey> sshKeys = new ArrayList<>();
        private final List<String> nameservers = new ArrayList<>();
        private String searchDomain;
        private Boolean ciUpgrade;
        private Boolean agent;
        private Integer serialSocket;
        private String vga;
        private final List<String> bootOrder = new ArrayList<>();
        private Boolean onBoot;
        private final List<String> tags = new ArrayList<>();
        private String description;
        private final Map<String, String> extra = new LinkedHashMap<>();

        /** For subclasses. */
        protected Builder() {
        }

        /** @return this builder, typed as the concrete one */
        protected abstract B self();

        /** @return the settings given so far */
        protected VmSettings settings() {
            return new VmSettings(Optional.ofNullable(name), optionalInt(memoryMiB), optionalInt(balloonMiB),
                    optionalInt(cores), optionalInt(sockets), Optional.ofNullable(cpuType), Optional.ofNullable(osType),
                    Optional.ofNullable(scsiHardware), disks, nics, ipConfigs, Optional.ofNullable(ciUser),
                    Optional.ofNullable(ciPassword), sshKeys, nameservers, Optional.ofNullable(searchDomain),
                    Optional.ofNullable(ciUpgrade), Optional.ofNullable(agent), optionalInt(serialSocket),
                    Optional.ofNullable(vga), bootOrder, Optional.ofNullable(onBoot), tags,
                    Optional.ofNullable(description), extra);
        }

        private static OptionalInt optionalInt(Integer value) {
            return value == null ? OptionalInt.empty() : OptionalInt.of(value);
        }

        /** @param name the VM name (a DNS name) @return this */
        public B name(String name) {
            this.name = name;
            return self();
        }

        /** @param mib memory in MiB @return this */
        public B memoryMiB(int mib) {
            this.memoryMiB = mib;
            return self();
        }

        /** @param mib balloon target in MiB, 0 turns the balloon off @return this */
        public B balloonMiB(int mib) {
            this.balloonMiB = mib;
            return self();
        }

        /** @param cores cores per socket @return this */
        public B cores(int cores) {
            this.cores = cores;
            return self();
        }

        /** @param sockets sockets @return this */
        public B sockets(int sockets) {
            this.sockets = sockets;
            return self();
        }

        /** @param cpuType the CPU model, e.g. {@code x86-64-v2-AES} @return this */
        public B cpuType(String cpuType) {
            this.cpuType = cpuType;
            return self();
        }

        /** @param osType e.g. {@code l26} @return this */
        public B osType(String osType) {
            this.osType = osType;
            return self();
        }

        /** @param controller e.g. {@code virtio-scsi-single} @return this */
        public B scsiHardware(String controller) {
            this.scsiHardware = controller;
            return self();
        }

        /** @param disk a disk or drive to add @return this */
        public B disk(DiskSpec disk) {
            disks.add(Objects.requireNonNull(disk, "disk"));
            return self();
        }

        /** @param nic a network device to add @return this */
        public B nic(NicSpec nic) {
            nics.add(Objects.requireNonNull(nic, "nic"));
            return self();
        }

        /** @param ipConfig cloud-init addressing of one interface @return this */
        public B ipConfig(IpConfigSpec ipConfig) {
            ipConfigs.add(Objects.requireNonNull(ipConfig, "ipConfig"));
            return self();
        }

        /** @param user the cloud-init user @return this */
        public B ciUser(String user) {
            this.ciUser = user;
            return self();
        }

        /** @param password plain (hashed before sending) or a crypt(3) hash @return this */
        public B ciPassword(Secret password) {
            this.ciPassword = Objects.requireNonNull(password, "password");
            return self();
        }

        /** @param keys cloud-init public keys (replacing any given before) @return this */
        public B sshKeys(List<SshPublicKey> keys) {
            sshKeys.clear();
            sshKeys.addAll(keys);
            return self();
        }

        /** @param servers DNS servers (IP addresses) @return this */
        public B nameservers(List<String> servers) {
            nameservers.clear();
            nameservers.addAll(servers);
            return self();
        }

        /** @param domain DNS search domain @return this */
        public B searchDomain(String domain) {
            this.searchDomain = domain;
            return self();
        }

        /** @param upgrade whether cloud-init upgrades packages at first boot @return this */
        public B ciUpgrade(boolean upgrade) {
            this.ciUpgrade = upgrade;
            return self();
        }

        /** @param enabled whether the guest agent is enabled @return this */
        public B agent(boolean enabled) {
            this.agent = enabled;
            return self();
        }

        /** @param port N of {@code serialN: socket} @return this */
        public B serialSocket(int port) {
            this.serialSocket = port;
            return self();
        }

        /** @param vga e.g. {@code serial0} @return this */
        public B vga(String vga) {
            this.vga = vga;
            return self();
        }

        /** @param devices boot devices in order, e.g. {@code scsi0} @return this */
        public B bootOrder(List<String> devices) {
            bootOrder.clear();
            bootOrder.addAll(devices);
            return self();
        }

        /** @param onBoot start when the node boots @return this */
        public B onBoot(boolean onBoot) {
            this.onBoot = onBoot;
            return self();
        }

        /** @param tags tags (replacing any given before) @return this */
        public B tags(List<String> tags) {
            this.tags.clear();
            this.tags.addAll(tags);
            return self();
        }

        /** @param description notes shown in the GUI @return this */
        public B description(String description) {
            this.description = description;
            return self();
        }

        /**
         * Any other parameter of the endpoint, passed as given (Proxmox checks it).
         *
         * @param name  the parameter name, e.g. {@code numa}
         * @param value its value as Proxmox takes it
         * @return this
         */
        public B option(String name, String value) {
            extra.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return self();
        }
    }
}
