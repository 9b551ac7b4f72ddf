package io.pveq.core.internal.pve;

import io.pveq.core.InvalidSpecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The options of one {@code qm set} call, in order. Built with typed methods only, so every option is
 * one pveq knows to be valid for {@code POST /nodes/{node}/qemu/{vmid}/config}. Immutable.
 *
 * @param options option name (without {@code --}) to value, in order
 * @param secrets names of options whose values must never be shown
 */
public record ConfigUpdate(Map<String, String> options, Set<String> secrets) {

    /** Validates and copies. */
    public ConfigUpdate {
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        secrets = Set.copyOf(secrets);
        if (options.isEmpty()) {
            throw new InvalidSpecException("options", "qm set needs at least one option");
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ConfigUpdate}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> options = new LinkedHashMap<>();
        private final Set<String> secrets = new java.util.HashSet<>();
        private final List<String> deletes = new ArrayList<>();

        private Builder() {
        }

        private Builder put(String key, String value) {
            if (options.put(key, Objects.requireNonNull(value, key)) != null) {
                throw new InvalidSpecException(key, "given twice in one qm set");
            }
            return this;
        }

        /** Attaches a volume as a disk, e.g. {@code scsi0} = {@code local-lvm:vm-100-disk-0,discard=on}. */
        public Builder disk(String slot, VolumeId volume, PropertyString extra) {
            Checks.matches("slot", Checks.DISK_SLOT, slot, "a disk slot such as scsi0");
            PropertyString.Builder b = PropertyString.builder().put("file", volume.toString());
            extra.entries().forEach(b::put);
            return put(slot, b.build().encode("file"));
        }

        /** Adds a cloud-init drive, {@code ide2: STORAGE:cloudinit}. */
        public Builder cloudInitDrive(CreateVmSpec.CloudInitSlot slot, String storage) {
            return put(slot.key(), Checks.storage("cloudInitStorage", storage) + ":cloudinit");
        }

        /** Sets {@code boot: order=a;b}. */
        public Builder bootOrder(List<String> devices) {
            if (devices.isEmpty()) {
                throw new InvalidSpecException("boot", "needs at least one device");
            }
            devices.forEach(d -> Checks.matches("boot", java.util.regex.Pattern.compile(
                    "(ide|sata|scsi|virtio|net)\\d+"), d, "a boot device such as scsi0"));
            return put("boot", "order=" + String.join(";", devices));
        }

        /** Sets {@code ipconfigN}. */
        public Builder ipConfig(int index, IpConfig config) {
            Checks.between("ipconfig index", index, 0, 31);
            return put("ipconfig" + index, config.toPropertyString().encode());
        }

        /** Sets the cloud-init user. */
        public Builder ciUser(String user) {
            return put("ciuser", Checks.singleLine("ciuser", user));
        }

        /**
         * Sets the cloud-init password (hidden in logs), sent as its SHA-512-crypt hash (unchanged when it
         * is a crypt(3) hash already), so the plain text never appears in a command line on the node.
         */
        public Builder ciPassword(String password) {
            secrets.add("cipassword");
            return put("cipassword", QmCommands.cloudInitPassword(Checks.singleLine("cipassword", password)));
        }

        /** Sets {@code sshkeys} from a file on the node ({@code qm} reads and encodes it). */
        public Builder sshKeysFile(String path) {
            return put("sshkeys", Checks.matches("sshkeys", Checks.ABSOLUTE_PATH, path, "an absolute path"));
        }

        /** Sets tags. */
        public Builder tags(List<String> tags) {
            tags.forEach(t -> Checks.matches("tags", Checks.TAG, t, "a Proxmox tag"));
            return put("tags", String.join(";", tags));
        }

        /** Sets the description. */
        public Builder description(String description) {
            return put("description", Checks.noControl("description", description));
        }

        /** Sets start-on-boot. */
        public Builder onBoot(boolean onBoot) {
            return put("onboot", onBoot ? "1" : "0");
        }

        /** Sets cores per socket. */
        public Builder cores(int cores) {
            return put("cores", Integer.toString(Checks.atLeast("cores", cores, 1)));
        }

        /** Sets memory in MiB. */
        public Builder memoryMiB(int memory) {
            return put("memory", Integer.toString(Checks.atLeast("memory", memory, 16)));
        }

        /** Sets the balloon target in MiB (0 disables the balloon driver; never above the memory). */
        public Builder balloonMiB(int balloon) {
            return put("balloon", Integer.toString(Checks.atLeast("balloon", balloon, 0)));
        }

        /** Sets the CPU model. */
        public Builder cpuType(String cpu) {
            return put("cpu", Checks.matches("cpu", Checks.CPU_TYPE, cpu, "a CPU model"));
        }

        /** Sets the VM name. */
        public Builder name(String name) {
            return put("name", Checks.matches("name", Checks.DNS_NAME, name, "a DNS name"));
        }

        /** Removes config keys, e.g. {@code unused0} or {@code ide2}. */
        public Builder delete(String key) {
            deletes.add(Checks.matches("delete", java.util.regex.Pattern.compile("[a-z][a-z0-9_\\-]*"), key,
                    "a config key"));
            return this;
        }

        /** @return the update; throws {@link InvalidSpecException} when empty */
        /** Adds {@code --skiplock 1}: the update goes through a config lock (root only in Proxmox). */
        public Builder skipLock() {
            return put("skiplock", "1");
        }

        public ConfigUpdate build() {
            Map<String, String> all = new LinkedHashMap<>(options);
            if (!deletes.isEmpty()) {
                all.put("delete", String.join(",", deletes));
            }
            return new ConfigUpdate(all, secrets);
        }
    }
}
