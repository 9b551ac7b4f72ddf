package io.pveq.sim.internal.qemu;

import io.pveq.sim.internal.Drives;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a VM config into a QEMU command line the way qemu-server's {@code config_to_command} does
 * ({@code qm showcmd} is the model): the same devices for {@code scsihw}, the disks on their buses with
 * {@code bootindex} from {@code boot: order=...}, {@code netN} with its MAC, the cloud-init CD-ROM as
 * {@code ide-cd}, {@code serial0} as a socket, the guest agent's virtio-serial port, {@code -nodefaults}
 * and {@code -boot strict=on}. What differs, because this machine is not a node: no {@code -id} (an
 * option of Proxmox's patched QEMU only), software emulation
 * ({@code -accel tcg}), user-mode networking instead of a tap on a bridge ({@link GuestLan}), no VNC
 * (the display is none), and no {@code -no-shutdown} (a guest that powers off ends its QEMU, which is
 * what qmeventd achieves on a node). Pure; thread-safe.
 */
public final class QemuCommandLine {

    private static final Pattern DISK = Pattern.compile("(scsi|virtio|sata|ide)(\\d+)");
    private static final List<String> V2 = List.of("+popcnt", "+pni", "+sse4.1", "+sse4.2", "+ssse3");
    private static final List<String> V3 = List.of("+avx", "+avx2", "+bmi1", "+bmi2", "+f16c", "+fma", "+abm",
            "+movbe", "+xsave");
    private static final List<String> V4 = List.of("+avx512f", "+avx512bw", "+avx512cd", "+avx512dq", "+avx512vl");

    /**
     * Files and sockets of one start.
     *
     * @param qemu       the emulator binary
     * @param run        folder of the sockets, pid file and console log (Proxmox: /var/run/qemu-server)
     * @param drives     config key to the file QEMU opens for it, with its format ({@code qcow2}/{@code raw})
     * @param repository the command a guest forward runs per connection to serve the package repository, if any
     */
    public record Files(Path qemu, Path run, Map<String, Drive> drives, Optional<String> repository) {
    }

    /** A drive's file. */
    public record Drive(Path file, String format) {
    }

    private QemuCommandLine() {
    }

    /** @return the control socket of {@code vmid} below {@code run} */
    public static Path qmp(Path run, int vmid) {
        return run.resolve(vmid + ".qmp");
    }

    /** @return the guest agent socket */
    public static Path qga(Path run, int vmid) {
        return run.resolve(vmid + ".qga");
    }

    /** @return the serial console socket */
    public static Path serial(Path run, int vmid) {
        return run.resolve(vmid + ".serial0");
    }

    /** @return the serial console log (what the guest printed on serial0) */
    public static Path serialLog(Path run, int vmid) {
        return run.resolve(vmid + ".serial0.log");
    }

    /** @return the pid file */
    public static Path pidFile(Path run, int vmid) {
        return run.resolve(vmid + ".pid");
    }

    /**
     * @param vmid   the VM
     * @param config its config
     * @param files  where things are
     * @return the argv
     */
    public static List<String> build(int vmid, Map<String, String> config, Files files) {
        List<String> argv = new ArrayList<>();
        Path run = files.run();
        argv.add(files.qemu().toString());
        add(argv, "-name", config.getOrDefault("name", "VM" + vmid) + ",debug-threads=on");
        add(argv, "-chardev", "socket,id=qmp,path=" + qmp(run, vmid) + ",server=on,wait=off");
        add(argv, "-mon", "chardev=qmp,mode=control");
        add(argv, "-pidfile", pidFile(run, vmid).toString());
        argv.add("-daemonize");
        Optional.ofNullable(config.get("smbios1")).ifPresent(s -> add(argv, "-smbios", "type=1," + s));
        int cores = intOf(config, "cores", 1);
        int sockets = intOf(config, "sockets", 1);
        int vcpus = cores * sockets;
        add(argv, "-smp", vcpus + ",sockets=" + sockets + ",cores=" + cores + ",maxcpus=" + vcpus);
        argv.add("-nodefaults");
        add(argv, "-boot", "menu=on,strict=on,reboot-timeout=1000");
        add(argv, "-display", "none");
        add(argv, "-cpu", cpu(config.getOrDefault("cpu", "kvm64")));
        String memory = config.getOrDefault("memory", "512");
        add(argv, "-m", Drives.parse(memory).getOrDefault("current", Drives.parse(memory).getOrDefault("file", memory)));
        String scsihw = config.getOrDefault("scsihw", "lsi");
        boolean single = scsihw.equals("virtio-scsi-single");
        Optional.ofNullable(config.get("vmgenid")).filter(v -> !v.equals("0"))
                .ifPresent(v -> add(argv, "-device", "vmgenid,guid=" + v));
        if (config.containsKey("serial0")) {
            add(argv, "-chardev", "socket,id=serial0,path=" + serial(run, vmid) + ",server=on,wait=off,logfile="
                    + serialLog(run, vmid));
            add(argv, "-device", "isa-serial,chardev=serial0");
        }
        if (agentEnabled(config)) {
            add(argv, "-chardev", "socket,path=" + qga(run, vmid) + ",server=on,wait=off,id=qga0");
            add(argv, "-device", "virtio-serial,id=qga0");
            add(argv, "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0");
        }
        Map<String, Integer> boot = bootOrder(config);
        boolean scsiController = false;
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(config).entrySet()) {
            var matcher = DISK.matcher(entry.getKey());
            if (!matcher.matches()) {
                continue;
            }
            String key = entry.getKey();
            String bus = matcher.group(1);
            int index = Integer.parseInt(matcher.group(2));
            Map<String, String> parts = Drives.parse(entry.getValue());
            Drive drive = files.drives().get(key);
            boolean cdrom = "cdrom".equals(parts.get("media"));
            if (drive == null && !cdrom) {
                continue; // a disk without a file (none attached): QEMU never sees it
            }
            StringBuilder d = new StringBuilder();
            if (drive == null) {
                d.append("if=none,id=drive-").append(key).append(",media=cdrom");
            } else {
                d.append("file=").append(drive.file()).append(",if=none,id=drive-").append(key);
                if (cdrom) {
                    d.append(",media=cdrom");
                }
                d.append(",format=").append(drive.format()).append(",cache=writeback,aio=threads");
                if ("on".equals(parts.get("discard"))) {
                    d.append(",discard=on,detect-zeroes=unmap");
                }
            }
            add(argv, "-drive", d.toString());
            String bootindex = boot.containsKey(key) ? ",bootindex=" + boot.get(key) : "";
            switch (bus) {
                case "ide" -> add(argv, "-device", (cdrom ? "ide-cd" : "ide-hd") + ",bus=ide." + index / 2 + ",unit="
                        + index % 2 + ",drive=drive-" + key + ",id=" + key + bootindex);
                case "sata" -> {
                    if (index == 0) {
                        add(argv, "-device", "ahci,id=ahci0,multifunction=on");
                    }
                    add(argv, "-device", (cdrom ? "ide-cd" : "ide-hd") + ",bus=ahci0." + index + ",drive=drive-"
                            + key + ",id=" + key + bootindex);
                }
                case "virtio" -> add(argv, "-device", "virtio-blk-pci,drive=drive-" + key + ",id=" + key
                        + ("1".equals(parts.get("iothread")) ? "" : "") + bootindex);
                default -> {
                    String controller = single ? "virtioscsi" + index : "scsihw0";
                    if (single || !scsiController) {
                        if (single && "1".equals(parts.get("iothread"))) {
                            add(argv, "-object", "iothread,id=iothread-" + controller);
                        }
                        add(argv, "-device", scsiDevice(scsihw) + ",id=" + controller
                                + (single && "1".equals(parts.get("iothread")) ? ",iothread=iothread-" + controller : ""));
                        scsiController = true;
                    }
                    String target = single ? controller + ".0,channel=0,scsi-id=0,lun=0"
                            : controller + ".0,channel=0,scsi-id=" + index + ",lun=0";
                    add(argv, "-device", (cdrom ? "scsi-cd" : "scsi-hd") + ",bus=" + target + ",drive=drive-" + key
                            + ",id=" + key + bootindex);
                }
            }
        }
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(config).entrySet()) {
            if (!Drives.NET_KEY.matcher(entry.getKey()).matches()) {
                continue;
            }
            String key = entry.getKey();
            Map<String, String> net = Drives.parse(entry.getValue());
            String model = net.keySet().stream().filter(k -> !k.equals("file") && !k.equals("bridge")
                    && !k.equals("firewall") && !k.equals("tag") && !k.equals("link_down") && !k.equals("mtu")
                    && !k.equals("queues") && !k.equals("rate")).findFirst().orElse("virtio");
            String mac = net.getOrDefault(model, "");
            GuestLan lan = GuestLan.of(Drives.parse(config.getOrDefault("ipconfig" + key.substring(3), "")));
            add(argv, "-netdev", lan.netdev(key, files.repository()));
            String device = switch (model) {
                case "e1000" -> "e1000";
                case "rtl8139" -> "rtl8139";
                case "vmxnet3" -> "vmxnet3";
                default -> "virtio-net-pci";
            };
            add(argv, "-device", device + ",mac=" + mac + ",netdev=" + key + ",id=" + key
                    + (boot.containsKey(key) ? ",bootindex=" + boot.get(key) : "")
                    + (device.equals("virtio-net-pci") ? ",romfile=" : ""));
        }
        String vga = Drives.parse(config.getOrDefault("vga", "std")).getOrDefault("file",
                Drives.parse(config.getOrDefault("vga", "std")).getOrDefault("type", "std"));
        // vga: serialN or none: no graphics at all, so the firmware (SeaBIOS) writes to the serial port too
        boolean serialConsole = vga.startsWith("serial") || vga.equals("none");
        add(argv, "-machine", "type=" + machine(config.getOrDefault("machine", "pc"))
                + (serialConsole ? ",graphics=off" : ""));
        add(argv, "-accel", "tcg,thread=multi");
        return argv;
    }

    private static String machine(String machine) {
        String type = Drives.parse(machine).getOrDefault("type", Drives.parse(machine).getOrDefault("file", "pc"));
        return type.replaceFirst("\\+pve\\d+$", "");
    }

    private static String scsiDevice(String scsihw) {
        return switch (scsihw) {
            case "virtio-scsi-pci", "virtio-scsi-single" -> "virtio-scsi-pci";
            case "megasas" -> "megasas";
            case "pvscsi" -> "pvscsi";
            default -> "lsi53c895a";
        };
    }

    public static boolean agentEnabled(Map<String, String> config) {
        String agent = config.get("agent");
        if (agent == null) {
            return false;
        }
        Map<String, String> parts = Drives.parse(agent);
        String enabled = parts.getOrDefault("enabled", parts.getOrDefault("file", "0"));
        return enabled.equals("1") || enabled.equals("on") || enabled.equals("yes") || enabled.equals("true");
    }

    /** @return device key to bootindex: 100 for the first of {@code boot: order=}, 101 for the next... */
    static Map<String, Integer> bootOrder(Map<String, String> config) {
        Map<String, Integer> out = new LinkedHashMap<>();
        String boot = config.get("boot");
        List<String> order = new ArrayList<>();
        if (boot != null && Drives.parse(boot).containsKey("order")) {
            order.addAll(List.of(Drives.parse(boot).get("order").split(";")));
        } else {
            // the legacy default "cdn": the boot disk, then CD-ROMs, then NICs
            String bootdisk = config.get("bootdisk");
            List<String> cdroms = new ArrayList<>();
            List<String> disks = new ArrayList<>();
            for (Map.Entry<String, String> entry : new java.util.TreeMap<>(config).entrySet()) {
                if (DISK.matcher(entry.getKey()).matches()) {
                    (Drives.cdrom(entry.getValue()) ? cdroms : disks).add(entry.getKey());
                }
            }
            if (bootdisk != null && config.containsKey(bootdisk)) {
                order.add(bootdisk);
            } else if (!disks.isEmpty()) {
                order.add(disks.get(0));
            }
            order.addAll(cdroms);
            for (String key : new java.util.TreeMap<>(config).keySet()) {
                if (Drives.NET_KEY.matcher(key).matches()) {
                    order.add(key);
                }
            }
        }
        int index = 100;
        for (String key : order) {
            if (config.containsKey(key)) {
                out.put(key, index++);
            }
        }
        return out;
    }

    /** @return QEMU's {@code -cpu} value for a Proxmox CPU type, always with {@code enforce} but for {@code host} */
    static String cpu(String value) {
        Map<String, String> parts = Drives.parse(value);
        String type = parts.getOrDefault("cputype", parts.getOrDefault("file", "kvm64"));
        List<String> flags = new ArrayList<>();
        String model = type;
        if (type.startsWith("x86-64-v")) {
            model = "qemu64";
            if (!type.equals("x86-64-v2")) {
                flags.add("+aes");
            }
            flags.addAll(V2);
            if (type.equals("x86-64-v3") || type.equals("x86-64-v4")) {
                flags.addAll(V3);
            }
            if (type.equals("x86-64-v4")) {
                flags.addAll(V4);
            }
        }
        Optional.ofNullable(parts.get("flags")).ifPresent(f -> {
            for (String flag : f.split(";")) {
                if (!flag.isEmpty()) {
                    flags.add(flag);
                }
            }
        });
        if (flags.contains("+aes") && !flags.contains("+pclmulqdq")) {
            // every CPU with AES-NI has PCLMULQDQ, and KVM lets a guest run it unadvertised; TCG does not
            // (a Debian 11 kernel's AES-GCM self-test dies with "invalid opcode" on it)
            flags.add("+pclmulqdq");
        }
        if (!type.equals("host")) {
            flags.add("enforce");
        }
        return flags.isEmpty() ? model : model + "," + String.join(",", flags);
    }

    private static int intOf(Map<String, String> config, String key, int fallback) {
        try {
            return Integer.parseInt(config.getOrDefault(key, Integer.toString(fallback)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static void add(List<String> argv, String option, String value) {
        argv.add(option);
        argv.add(value);
    }
}
