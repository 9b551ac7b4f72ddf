package io.pveq.sim.internal.state;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** One guest: a QEMU VM or an LXC container, with its config as Proxmox stores it. */
public final class VmState {
    public int vmid;
    public String node;
    /** qemu or lxc. */
    public String type = "qemu";
    /** The config file: key to value, sorted as Proxmox prints it. */
    public TreeMap<String, String> config = new TreeMap<>();
    /** Values Proxmox keeps but never shows as given (the plain cloud-init password). */
    public TreeMap<String, String> secrets = new TreeMap<>();
    public String status = "stopped";
    /** Paused (suspended to RAM): Proxmox still reports status running, with qmpstatus paused. */
    public boolean paused;
    /** Snapshots by name; each holds the config of its time (its {@code parent} key links the tree). */
    public TreeMap<String, Snapshot> snapshots = new TreeMap<>();
    public long createdAtMillis;
    public long startedAtMillis;
    /** When the guest OS last (re)booted: SSH answers from this plus the boot delay. */
    public long bootedAtMillis;
    public int pid;
    /** Holder of the per-VM lock file (/var/lock/qemu-server/lock-N.conf), empty when free. */
    public String fileLockOwner = "";
    public long fileLockUntilMillis;
    public List<Volume> volumes = new ArrayList<>();
    public GuestState guest = new GuestState();
    /** The QEMU process of a real guest while it runs (see RealGuestsState), else null. */
    public QemuProcess qemu;

    public boolean running() {
        return "running".equals(status);
    }

    public String kind() {
        return "lxc".equals(type) ? "CT" : "VM";
    }

    /** A volume owned by the guest. */
    public static final class Volume {
        /** storage:volname, e.g. local-lvm:vm-100-disk-0. */
        public String volid;
        public String storage;
        public long sizeBytes;
        public String format;
        /** The volume's real file when the cluster boots real guests, else null. */
        public String file;

        public Volume() {
        }

        public Volume(String storage, String volname, long sizeBytes, String format) {
            this.storage = storage;
            this.volid = storage + ":" + volname;
            this.sizeBytes = sizeBytes;
            this.format = format;
        }
    }

    /** A snapshot: the config at that time, when, and the user's description. */
    public static final class Snapshot {
        public TreeMap<String, String> config = new TreeMap<>();
        public long snaptime;
        public String description = "";
    }

    /** What happened inside the guest. */
    public static final class GuestState {
        public int boots;
        public int guestReboots;
        public List<ScriptRecord> scripts = new ArrayList<>();
    }

    /** One script run inside the guest. */
    public static final class ScriptRecord {
        public String name;
        public String content;
        public List<String> arguments = new ArrayList<>();
        public TreeMap<String, String> environment = new TreeMap<>();
        public boolean secretOnStdin;
        public String user;
        public int exitCode;
        public long atMillis;
    }

    /** A running QEMU: enough for another process to find, talk to and stop it. */
    public static final class QemuProcess {
        public int vmid;
        public long pid;
        /** Start time of the process in clock ticks since boot (/proc/PID/stat field 22): guards against pid reuse. */
        public long startTicks;
        /** Folder of its sockets (VMID.qmp, VMID.qga, VMID.serial0) and console log. */
        public String run;
    }
}
