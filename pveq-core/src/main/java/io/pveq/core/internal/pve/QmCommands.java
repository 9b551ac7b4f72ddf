package io.pveq.core.internal.pve;

import io.pveq.core.DiskSize;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.transport.CommandRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds {@code qm} command lines (argv lists, never shell strings) from records. Options always come
 * after the positional arguments and booleans always carry an explicit {@code 1}, so no argument can be
 * mistaken for another. Secret values (the cloud-init password) are marked in the request. Stateless
 * and thread-safe; all methods are pure.
 */
public final class QmCommands {

    /** The SCSI controller pveq gives every VM (one controller per disk, allows iothread). */
    public static final String SCSI_HARDWARE = "virtio-scsi-single";

    private static final Pattern FORMAT = Pattern.compile("qcow2|raw|vmdk");

    private QmCommands() {
    }

    /** Which part of the generated cloud-init configuration {@code qm cloudinit dump} shows. */
    public enum CloudInitSection {
        /** user-data */ USER,
        /** network-config */ NETWORK,
        /** meta-data */ META;

        String argument() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * {@code qm create} of a cloud-init VM, importing its system disk during the create when the spec
     * names an image (otherwise the disk is imported and attached afterwards).
     *
     * @param spec the VM
     * @return the request; the password (if any) is marked secret
     */
    public static CommandRequest create(CreateVmSpec spec) {
        Argv a = new Argv("qm", "create", spec.vmId().toString());
        a.option("name", spec.name())
                .option("cores", Integer.toString(spec.cores()))
                .option("sockets", Integer.toString(spec.sockets()))
                .option("memory", Integer.toString(spec.memoryMiB()));
        spec.balloonMiB().ifPresent(b -> a.option("balloon", Integer.toString(b)));
        a.option("cpu", spec.cpuType())
                .option("ostype", spec.osType())
                .option("scsihw", SCSI_HARDWARE);
        spec.importFrom().ifPresent(image -> a.option("scsi0", PropertyString.builder()
                .put("file", spec.diskStorage() + ":0")
                .put("import-from", image)
                .put("discard", "on")
                .put("iothread", "1")
                .build().encode("file")));
        a.option("net0", net0(spec))
                .option(spec.cloudInitSlot().key(), spec.cloudInitStorage() + ":cloudinit")
                .option("serial0", "socket")
                .option("vga", "serial0");
        if (spec.importFrom().isPresent()) {
            a.option("boot", "order=scsi0");
        }
        a.option("agent", "enabled=" + (spec.agent() ? "1" : "0"))
                .option("ciuser", spec.ciUser());
        // hashed here: qm's argv is visible in /proc on the node while it runs; qemu-server stores a
        // crypt(3) hash unchanged. Still marked secret (a hash can be attacked offline)
        spec.ciPassword().ifPresent(p -> a.secretOption("cipassword", cloudInitPassword(p)));
        spec.sshKeysFile().ifPresent(f -> a.option("sshkeys", f));
        a.option("ipconfig0", spec.ipConfig().toPropertyString().encode());
        spec.nameserver().ifPresent(n -> a.option("nameserver", n));
        spec.searchDomain().ifPresent(d -> a.option("searchdomain", d));
        a.option("ciupgrade", spec.ciUpgrade() ? "1" : "0");
        if (!spec.tags().isEmpty()) {
            a.option("tags", String.join(";", spec.tags()));
        }
        spec.description().ifPresent(d -> a.option("description", d));
        a.option("onboot", spec.onBoot() ? "1" : "0");
        return a.toRequest();
    }

    private static String net0(CreateVmSpec spec) {
        // "virtio=MAC" sets model and address at once; a bare "virtio" (the default key, model) lets
        // Proxmox pick a MAC with its BC:24:11 prefix.
        PropertyString.Builder b = PropertyString.builder();
        if (spec.macAddress().isPresent()) {
            b.put("virtio", spec.macAddress().get());
        } else {
            b.put("model", "virtio");
        }
        b.put("bridge", spec.bridge());
        spec.vlanTag().ifPresent(t -> b.put("tag", Integer.toString(t)));
        return b.build().encode("model");
    }

    /**
     * {@code qm disk import VMID SOURCE STORAGE [--format F]}: the image becomes an unused disk.
     *
     * @param format target format ({@code qcow2|raw|vmdk}) or empty for the storage's default
     */
    public static CommandRequest diskImport(VmId vmId, String source, String storage, Optional<String> format) {
        return importCommand(List.of("qm", "disk", "import"), vmId, source, storage, format);
    }

    /** The same as {@link #diskImport} through the older alias {@code qm importdisk} (qemu-server before 7.2). */
    public static CommandRequest importDiskLegacy(VmId vmId, String source, String storage, Optional<String> format) {
        return importCommand(List.of("qm", "importdisk"), vmId, source, storage, format);
    }

    private static CommandRequest importCommand(List<String> command, VmId vmId, String source, String storage,
                                                Optional<String> format) {
        Argv a = new Argv(command.toArray(String[]::new));
        a.add(vmId.toString(), Checks.matches("source", Checks.ABSOLUTE_PATH, source, "an absolute path"),
                Checks.storage("storage", storage));
        format.ifPresent(f -> a.option("format", Checks.matches("format", FORMAT, f, "qcow2, raw or vmdk")));
        return a.toRequest();
    }

    /** {@code qm set VMID --opt value ...}. */
    public static CommandRequest set(VmId vmId, ConfigUpdate update) {
        Argv a = new Argv("qm", "set", vmId.toString());
        for (Map.Entry<String, String> e : update.options().entrySet()) {
            if (update.secrets().contains(e.getKey())) {
                a.secretOption(e.getKey(), e.getValue());
            } else {
                a.option(e.getKey(), e.getValue());
            }
        }
        return a.toRequest();
    }

    /** {@code qm resize VMID DISK SIZE}: sets the disk to an absolute size (never shrinks). */
    public static CommandRequest resizeTo(VmId vmId, String disk, DiskSize size) {
        return new Argv("qm", "resize", vmId.toString(), slot(disk), size.toProxmox()).toRequest();
    }

    /** {@code qm resize VMID DISK +SIZE [--skiplock 1]}: grows the disk by {@code size}. */
    public static CommandRequest growBy(VmId vmId, String disk, DiskSize size, boolean skipLock) {
        return new Argv("qm", "resize", vmId.toString(), slot(disk), "+" + size.toProxmox())
                .flag("skiplock", skipLock).toRequest();
    }

    private static String slot(String disk) {
        return Checks.matches("disk", Checks.DISK_SLOT, disk, "a disk slot such as scsi0");
    }

    /** {@code qm start VMID [--timeout S]}. */
    public static CommandRequest start(VmId vmId, Optional<Duration> timeout) {
        Argv a = new Argv("qm", "start", vmId.toString());
        timeout.ifPresent(t -> a.option("timeout", seconds(t)));
        return a.toRequest();
    }

    /** {@code qm stop VMID [--skiplock 1] [--timeout S]}: pulls the plug. */
    public static CommandRequest stop(VmId vmId, boolean skipLock, Optional<Duration> timeout) {
        Argv a = new Argv("qm", "stop", vmId.toString()).flag("skiplock", skipLock);
        timeout.ifPresent(t -> a.option("timeout", seconds(t)));
        return a.toRequest();
    }

    /** {@code qm shutdown VMID [--timeout S] [--forceStop 1]}: ACPI shutdown, optionally forced after the timeout. */
    public static CommandRequest shutdown(VmId vmId, Optional<Duration> timeout, boolean forceStop) {
        Argv a = new Argv("qm", "shutdown", vmId.toString());
        timeout.ifPresent(t -> a.option("timeout", seconds(t)));
        return a.flag("forceStop", forceStop).toRequest();
    }

    /** {@code qm reboot VMID [--timeout S]}. */
    public static CommandRequest reboot(VmId vmId, Optional<Duration> timeout) {
        Argv a = new Argv("qm", "reboot", vmId.toString());
        timeout.ifPresent(t -> a.option("timeout", seconds(t)));
        return a.toRequest();
    }

    /** {@code qm destroy VMID [--purge 1] [--destroy-unreferenced-disks 1] [--skiplock 1]}. */
    public static CommandRequest destroy(VmId vmId, boolean purge, boolean destroyUnreferencedDisks,
                                         boolean skipLock) {
        return new Argv("qm", "destroy", vmId.toString())
                .flag("purge", purge)
                .flag("destroy-unreferenced-disks", destroyUnreferencedDisks)
                .flag("skiplock", skipLock)
                .toRequest();
    }

    /** {@code qm migrate VMID TARGET [--online 1] [--with-local-disks 1] [--targetstorage S]}. */
    public static CommandRequest migrate(VmId vmId, NodeName target, boolean online, boolean withLocalDisks,
                                         Optional<String> targetStorage) {
        Argv a = new Argv("qm", "migrate", vmId.toString(), target.value())
                .flag("online", online)
                .flag("with-local-disks", withLocalDisks);
        targetStorage.ifPresent(s -> a.option("targetstorage", Checks.storage("targetStorage", s)));
        return a.toRequest();
    }

    /** {@code qm status VMID [--verbose 1]}. */
    public static CommandRequest status(VmId vmId, boolean verbose) {
        return new Argv("qm", "status", vmId.toString()).flag("verbose", verbose).toRequest();
    }

    /** {@code qm config VMID}. */
    public static CommandRequest config(VmId vmId) {
        return new Argv("qm", "config", vmId.toString()).toRequest();
    }

    /** {@code qm list}: the VMs of the local node only. */
    public static CommandRequest list() {
        return new Argv("qm", "list").toRequest();
    }

    /** {@code qm cloudinit dump VMID user|network|meta}. */
    public static CommandRequest cloudInitDump(VmId vmId, CloudInitSection section) {
        return new Argv("qm", "cloudinit", "dump", vmId.toString(), section.argument()).toRequest();
    }

    private static String seconds(Duration timeout) {
        if (timeout.isNegative()) {
            throw new InvalidSpecException("timeout", "must not be negative, got " + timeout);
        }
        long s = timeout.toSeconds() + (timeout.toNanosPart() > 0 ? 1 : 0);
        return Long.toString(s);
    }

    /** @return {@code password} as SHA-512-crypt, or unchanged when it is a crypt(3) hash already */
    static String cloudInitPassword(String password) {
        return ShaCrypt.isHashed(password) ? password : ShaCrypt.hash(password);
    }
}
