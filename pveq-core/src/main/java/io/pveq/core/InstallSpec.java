package io.pveq.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What to install: the body of {@code POST /api/vm/install}, validated. Every rule that does not
 * depend on the site is checked here, when the spec is built, and a broken rule throws
 * {@link InvalidSpecException} naming the request field ({@code os}, {@code version},
 * {@code name}, {@code id}, {@code node}, {@code cpu}, {@code ram}, {@code disk}, {@code user},
 * {@code passwd}, {@code pubkey}). Site rules (limits, the VMID range of the addressing mode,
 * supported releases, known nodes) are the separate step {@link VmInstaller#validate}.
 * {@link #toString()} never shows the password.
 *
 * @param release  OS and version; whether the image catalog has it is checked by {@link VmInstaller#validate}
 * @param name     VM name, a DNS label (letters, digits, inner hyphens, at most 63); empty: pveq picks one
 * @param id       requested VMID; empty: the allocator picks one
 * @param node     target node; empty: the main node
 * @param cpu      vCPUs, 1-32 (default 2)
 * @param ramMb    memory in MB, 512 to 4 TiB (default 2048)
 * @param disk     disk size, at least 16G (default 16G)
 * @param user     login user cloud-init creates (default per OS: {@link #defaultUser})
 * @param password that user's password, 8-128 characters without control characters; empty: key login only
 * @param publicKey SSH public key to authorise for that user
 */
public record InstallSpec(OsRelease release, Optional<String> name, Optional<VmId> id, Optional<NodeName> node,
                          int cpu, int ramMb, DiskSize disk, String user, Optional<Secret> password,
                          Optional<SshPublicKey> publicKey) {

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

    /** @return a builder with every optional field at its default */
    public static Builder builder() {
        return new Builder();
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
            throw new InvalidSpecException("passwd", "must be " + PASSWORD_MIN + "-" + PASSWORD_MAX
                    + " characters long, got " + text.length());
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSpecException("passwd", "must not contain control characters (newlines, tabs, ...)");
        }
    }

    /** @return a builder holding this spec's values, to derive a changed copy */
    public Builder toBuilder() {
        Builder b = new Builder().release(release).cpu(cpu).ram(ramMb).disk(disk).user(user);
        name.ifPresent(b::name);
        id.ifPresent(b::id);
        node.ifPresent(b::node);
        password.ifPresent(p -> b.passwd(p.reveal()));
        publicKey.ifPresent(k -> b.pubkey(k.line()));
        return b;
    }

    @Override
    public String toString() {
        return "InstallSpec[" + release + ", name=" + name.orElse("(auto)") + ", id=" + id.map(VmId::toString).orElse("(auto)")
                + ", node=" + node.map(NodeName::toString).orElse("(main)") + ", cpu=" + cpu + ", ram=" + ramMb
                + "MB, disk=" + disk + ", user=" + user + ", passwd=" + (password.isPresent() ? "******" : "(none)")
                + ", pubkey=" + publicKey.map(SshPublicKey::toString).orElse("(none)") + "]";
    }

    /**
     * Collects raw request values and checks them in {@link #build()}. Setters take the request's
     * own types; {@code null} (and, for optional text fields, the empty string) means "not given,
     * use the default". Not thread-safe; use one builder per request.
     */
    public static final class Builder {
        private OsRelease release;
        private String os;
        private String version;
        private String name;
        private VmId id;
        private Integer rawId;
        private NodeName node;
        private String rawNode;
        private Integer cpu;
        private Integer ram;
        private DiskSize disk;
        private String rawDisk;
        private String user;
        private String passwd;
        private String pubkey;

        private Builder() {
        }

        /**
         * @param release the OS release (replaces {@link #os} and {@link #version})
         * @return this
         */
        public Builder release(OsRelease release) {
            this.release = Objects.requireNonNull(release, "release");
            return this;
        }

        /**
         * @param os request field {@code os}, e.g. {@code ubuntu}; required
         * @return this
         */
        public Builder os(String os) {
            this.os = os;
            this.release = null;
            return this;
        }

        /**
         * @param version request field {@code version}, e.g. {@code 24.04}; required
         * @return this
         */
        public Builder version(String version) {
            this.version = version;
            this.release = null;
            return this;
        }

        /**
         * @param name request field {@code name}; null or empty for automatic
         * @return this
         */
        public Builder name(String name) {
            this.name = name == null || name.isEmpty() ? null : name;
            return this;
        }

        /**
         * @param id request field {@code id}; null for automatic
         * @return this
         */
        public Builder id(Integer id) {
            this.rawId = id;
            this.id = null;
            return this;
        }

        /**
         * @param id the VMID to use
         * @return this
         */
        public Builder id(VmId id) {
            this.id = Objects.requireNonNull(id, "id");
            this.rawId = null;
            return this;
        }

        /**
         * @param node request field {@code node}; null or empty for the main node
         * @return this
         */
        public Builder node(String node) {
            this.rawNode = node == null || node.isEmpty() ? null : node;
            this.node = null;
            return this;
        }

        /**
         * @param node the target node
         * @return this
         */
        public Builder node(NodeName node) {
            this.node = Objects.requireNonNull(node, "node");
            this.rawNode = null;
            return this;
        }

        /**
         * @param cpu request field {@code cpu}; null for {@value InstallSpec#DEFAULT_CPU}
         * @return this
         */
        public Builder cpu(Integer cpu) {
            this.cpu = cpu;
            return this;
        }

        /**
         * @param ramMb request field {@code ram} in MB; null for {@value InstallSpec#DEFAULT_RAM_MB}
         * @return this
         */
        public Builder ram(Integer ramMb) {
            this.ram = ramMb;
            return this;
        }

        /**
         * @param disk request field {@code disk}, e.g. {@code 20G}; null or empty for 16G
         * @return this
         */
        public Builder disk(String disk) {
            this.rawDisk = disk == null || disk.isEmpty() ? null : disk;
            this.disk = null;
            return this;
        }

        /**
         * @param disk the disk size
         * @return this
         */
        public Builder disk(DiskSize disk) {
            this.disk = Objects.requireNonNull(disk, "disk");
            this.rawDisk = null;
            return this;
        }

        /**
         * @param user request field {@code user}; null or empty for the OS default
         * @return this
         */
        public Builder user(String user) {
            this.user = user == null || user.isEmpty() ? null : user;
            return this;
        }

        /**
         * @param passwd request field {@code passwd}; null or empty for none
         * @return this
         */
        public Builder passwd(String passwd) {
            this.passwd = passwd == null || passwd.isEmpty() ? null : passwd;
            return this;
        }

        /**
         * @param pubkey request field {@code pubkey}; null or empty for none
         * @return this
         */
        public Builder pubkey(String pubkey) {
            this.pubkey = pubkey == null || pubkey.isEmpty() ? null : pubkey;
            return this;
        }

        /**
         * Checks every field in request order and builds the spec.
         *
         * @return the spec
         * @throws InvalidSpecException naming the first field that is missing or breaks a rule
         */
        public InstallSpec build() {
            OsRelease rel = release;
            if (rel == null) {
                if (os == null) {
                    throw new InvalidSpecException("os", "is required (debian, ubuntu or rockylinux)");
                }
                if (version == null) {
                    throw new InvalidSpecException("version", "is required, e.g. 12 or 24.04");
                }
                rel = new OsRelease(os, version);
            }
            if (name != null) {
                checkName(name);
            }
            VmId vmId = id != null ? id : rawId == null ? null : new VmId(rawId);
            NodeName target = node != null ? node : rawNode == null ? null : new NodeName(rawNode);
            int cores = cpu == null ? DEFAULT_CPU : cpu;
            VmLimits.checkFixedCpu("cpu", cores);
            int memory = ram == null ? DEFAULT_RAM_MB : ram;
            VmLimits.checkFixedRam("ram", memory);
            DiskSize size = disk != null ? disk : rawDisk == null ? DEFAULT_DISK : DiskSize.parse("disk", rawDisk);
            String login = user == null ? defaultUser(rel) : user;
            checkUser(login);
            Optional<Secret> secret = Optional.ofNullable(passwd).map(Secret::of);
            secret.ifPresent(InstallSpec::checkPassword);
            Optional<SshPublicKey> key = Optional.ofNullable(pubkey).map(k -> SshPublicKey.parse("pubkey", k));
            return new InstallSpec(rel, Optional.ofNullable(name), Optional.ofNullable(vmId), Optional.ofNullable(target),
                    cores, memory, size, login, secret, key);
        }
    }
}
