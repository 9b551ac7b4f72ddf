package io.pveq.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to install, validated. Every rule that does not depend on the site is checked here, when the spec
 * is built, and a broken rule throws {@link InvalidSpecException} naming the field ({@code os},
 * {@code version}, {@code name}, {@code id}, {@code node}, {@code cpu}, {@code ram}, {@code disk},
 * {@code user}, {@code password}, {@code publicKey}). Site rules (limits, the VMID range of the addressing
 * mode, supported releases, known nodes) are the separate step {@link VmInstaller#validate}.
 * {@link #toString()} never shows the password.
 *
 * @param release   OS and version; whether the image catalog has it is checked by {@link VmInstaller#validate}
 * @param name      VM name, a DNS label (letters, digits, inner hyphens, at most 63); empty: pveq picks one
 * @param id        requested VMID; empty: the allocator picks one
 * @param node      target node; empty: the provisioner's main node
 * @param cpu       vCPUs, 1-32 (default 2)
 * @param ramMb     memory in MB, 512 to 4 TiB (default 2048)
 * @param disk      disk size, at least 16G (default 16G)
 * @param user      login user cloud-init creates (default per OS: {@link #defaultUser})
 * @param password  that user's password, 8-128 characters without control characters; empty: key login only
 * @param publicKey SSH public key to authorise for that user
 * @param upgradePackages whether cloud-init upgrades every package at first boot (default no: on PVE 8/9 the
 *                  upgrade holds the package manager's lock while the init script needs it)
 */
public record InstallSpec(OsRelease release, Optional<String> name, Optional<VmId> id, Optional<NodeName> node,
                          int cpu, int ramMb, DiskSize disk, String user, Optional<Secret> password,
                          Optional<SshPublicKey> publicKey, boolean upgradePackages) {

    /** Default vCPUs. */
    public static final int DEFAULT_CPU = 2;
    /** Default memory in MB. */
    public static final int DEFAULT_RAM_MB = 2048;
    /** Default disk size. */
    public static final DiskSize DEFAULT_DISK = DiskSize.ofGiB(16);
    /** Shortest password accepted. */
    public static final int PASSWORD_MIN = 8;
    /** Longest password accepted. */
    public static final int PASSWORD_MAX = 128;

    private static final Pattern LABEL = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");
    private static final Pattern LOGIN = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Set<String> RESERVED_USERS = Set.of("root", "daemon", "bin", "sys", "sync", "games", "man",
            "lp", "mail", "news", "uucp", "proxy", "www-data", "backup", "list", "irc", "nobody", "sshd",
            "messagebus", "polkitd", "adm", "halt", "shutdown", "operator");
    private static final Map<String, String> DEFAULT_USERS = Map.of("debian", "debian", "ubuntu", "ubuntu",
            "rockylinux", "rocky");

    /** @throws InvalidSpecException naming the first field that breaks a rule */
    public InstallSpec {
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(publicKey, "publicKey");
        name.ifPresent(InstallSpec::checkName);
        VmLimits.checkFixedCpu("cpu", cpu);
        VmLimits.checkFixedRam("ram", ramMb);
        VmLimits.checkFixedDisk("disk", disk);
        checkUser(user);
        password.ifPresent(InstallSpec::checkPassword);
    }

    /**
     * @param release the OS release
     * @return a builder with every optional field at its default
     */
    public static Builder builder(OsRelease release) {
        return new Builder(release);
    }

    /**
     * @param release the OS release
     * @return the OS's conventional cloud-image user: {@code debian}, {@code ubuntu}, {@code rocky}
     *         for Rocky Linux; for another OS its name
     */
    public static String defaultUser(OsRelease release) {
        return DEFAULT_USERS.getOrDefault(release.os(), release.os());
    }

    private static void checkName(String name) {
        if (!LABEL.matcher(name).matches()) {
            throw new InvalidSpecException("name", "must be a DNS label: letters, digits and inner hyphens,"
                    + " 1-63 characters, got '" + InvalidSpecException.shorten(name) + "'");
        }
    }

    private static void checkUser(String user) {
        if (user == null || !LOGIN.matcher(user).matches()) {
            throw new InvalidSpecException("user", "must be a Linux login name: lower-case letter or _ first,"
                    + " then lower-case letters, digits, _ or -, at most 32 characters, got '"
                    + InvalidSpecException.shorten(user) + "'");
        }
        if (RESERVED_USERS.contains(user)) {
            throw new InvalidSpecException("user", "must not be a system account, got '" + user + "'");
        }
    }

    private static void checkPassword(Secret password) {
        String text = password.reveal();
        if (text.length() < PASSWORD_MIN || text.length() > PASSWORD_MAX) {
            throw new InvalidSpecException("password", "must be " + PASSWORD_MIN + "-" + PASSWORD_MAX
                    + " characters long, got " + text.length());
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSpecException("password", "must not contain control characters (newlines, tabs, ...)");
        }
    }

    /** @return a builder holding this spec's values, to derive a changed copy */
    public Builder toBuilder() {
        Builder b = new Builder(release).cpu(cpu).ramMb(ramMb).disk(disk).user(user).upgradePackages(upgradePackages);
        name.ifPresent(b::name);
        id.ifPresent(b::id);
        node.ifPresent(b::node);
        password.ifPresent(b::password);
        publicKey.ifPresent(b::publicKey);
        return b;
    }

    @Override
    public String toString() {
        return "InstallSpec[" + release + ", name=" + name.orElse("(auto)") + ", id=" + id.map(VmId::toString).orElse("(auto)")
                + ", node=" + node.map(NodeName::toString).orElse("(main)") + ", cpu=" + cpu + ", ram=" + ramMb
                + "MB, disk=" + disk + ", user=" + user + ", password=" + (password.isPresent() ? "******" : "(none)")
                + ", publicKey=" + publicKey.map(SshPublicKey::toString).orElse("(none)")
                + (upgradePackages ? ", upgradePackages" : "") + "]";
    }

    /** Collects typed values and checks them in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final OsRelease release;
        private String name;
        private VmId id;
        private NodeName node;
        private int cpu = DEFAULT_CPU;
        private int ram = DEFAULT_RAM_MB;
        private DiskSize disk = DEFAULT_DISK;
        private String user;
        private Secret password;
        private SshPublicKey publicKey;
        private boolean upgradePackages;

        private Builder(OsRelease release) {
            this.release = Objects.requireNonNull(release, "release");
        }

        /** @param name the VM name, a DNS label; null for automatic ({@code <os>-<version>-<vmid>}) @return this */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** @param id the VMID to use; null for automatic @return this */
        public Builder id(VmId id) {
            this.id = id;
            return this;
        }

        /** @param node the node to create the VM on; null for the provisioner's main node @return this */
        public Builder node(NodeName node) {
            this.node = node;
            return this;
        }

        /** @param cpu vCPUs, 1-32 (default {@value InstallSpec#DEFAULT_CPU}) @return this */
        public Builder cpu(int cpu) {
            this.cpu = cpu;
            return this;
        }

        /** @param ramMb memory in MB (default {@value InstallSpec#DEFAULT_RAM_MB}) @return this */
        public Builder ramMb(int ramMb) {
            this.ram = ramMb;
            return this;
        }

        /** @param disk the disk size, at least 16G (default 16G) @return this */
        public Builder disk(DiskSize disk) {
            this.disk = Objects.requireNonNull(disk, "disk");
            return this;
        }

        /** @param user the login user; null for the OS default @return this */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** @param password the user's password; null for key login only @return this */
        public Builder password(Secret password) {
            this.password = password;
            return this;
        }

        /** @param key an SSH public key to authorise for the user; null for none @return this */
        public Builder publicKey(SshPublicKey key) {
            this.publicKey = key;
            return this;
        }

        /** @param upgrade let cloud-init upgrade every package at first boot (default no) @return this */
        public Builder upgradePackages(boolean upgrade) {
            this.upgradePackages = upgrade;
            return this;
        }

        /**
         * Checks every field in request order and builds the spec.
         *
         * @return the spec
         * @throws InvalidSpecException naming the first field that breaks a rule
         */
        public InstallSpec build() {
            return new InstallSpec(release, Optional.ofNullable(name), Optional.ofNullable(id), Optional.ofNullable(node),
                    cpu, ram, disk, user == null ? defaultUser(release) : user, Optional.ofNullable(password),
                    Optional.ofNullable(publicKey), upgradePackages);
        }
    }
}
