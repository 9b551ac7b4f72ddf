package io.pveq.sim.realguests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.sim.internal.qemu.QemuCommandLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The QEMU command line a real guest is started with, from the config pveq's {@code qm create} leaves:
 * the devices qemu-server would give it, and this machine's network rules (always {@code -nodefaults},
 * user-mode networking with {@code restrict=on}, forwards bound to loopback only).
 */
class QemuCommandLineTest {

    private static final Path RUN = Path.of("/tmp/pveq-rg-x/run");

    private static Map<String, String> pveqConfig(String ipconfig) {
        Map<String, String> config = new TreeMap<>();
        config.put("name", "web-01");
        config.put("cores", "2");
        config.put("sockets", "1");
        config.put("memory", "2048");
        config.put("cpu", "x86-64-v2-AES");
        config.put("ostype", "l26");
        config.put("scsihw", "virtio-scsi-single");
        config.put("scsi0", "local-lvm:vm-101-disk-0,discard=on,iothread=1,size=16G");
        config.put("net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0");
        config.put("ide2", "local-lvm:vm-101-cloudinit,media=cdrom,size=4M");
        config.put("serial0", "socket");
        config.put("vga", "serial0");
        config.put("boot", "order=scsi0");
        config.put("agent", "enabled=1");
        config.put("ipconfig0", ipconfig);
        config.put("smbios1", "uuid=6b0c2d5e-7f0e-4b5e-9a3c-1d2e3f4a5b6c");
        return config;
    }

    private static List<String> build(Map<String, String> config) {
        return QemuCommandLine.build(101, config, new QemuCommandLine.Files(Path.of("/usr/bin/qemu-system-x86_64"), RUN,
                Map.of("scsi0", new QemuCommandLine.Drive(Path.of("/tmp/pveq-rg-x/volumes/vm-101-disk-0.qcow2"), "qcow2"),
                        "ide2", new QemuCommandLine.Drive(Path.of("/tmp/pveq-rg-x/cloudinit/101/seed.iso"), "raw")),
                Optional.of("/usr/bin/busybox httpd -i -h /srv/repo")));
    }

    /** @return the values given to {@code option}, in order */
    private static List<String> values(List<String> argv, String option) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < argv.size() - 1; i++) {
            if (argv.get(i).equals(option)) {
                out.add(argv.get(i + 1));
            }
        }
        return out;
    }

    @Test
    void aPveqVmBootsFromItsDiskWithTheCloudInitCdromAndTheProxmoxDevices() {
        List<String> argv = build(pveqConfig("ip=127.0.10.101/24,gw=127.0.10.1"));
        assertTrue(argv.contains("-nodefaults"), "-nodefaults always");
        assertTrue(argv.contains("-daemonize"), "QEMU outlives the command that started it");
        assertEquals(List.of(RUN.resolve("101.pid").toString()), values(argv, "-pidfile"));
        assertEquals(List.of("web-01,debug-threads=on"), values(argv, "-name"));
        assertEquals(List.of("2,sockets=1,cores=2,maxcpus=2"), values(argv, "-smp"));
        assertEquals(List.of("2048"), values(argv, "-m"));
        assertEquals(List.of("qemu64,+aes,+popcnt,+pni,+sse4.1,+sse4.2,+ssse3,+pclmulqdq,enforce"), values(argv, "-cpu"));
        assertEquals(List.of("menu=on,strict=on,reboot-timeout=1000"), values(argv, "-boot"));
        List<String> devices = values(argv, "-device");
        assertTrue(devices.contains("virtio-scsi-pci,id=virtioscsi0,iothread=iothread-virtioscsi0"), devices.toString());
        assertTrue(devices.contains("scsi-hd,bus=virtioscsi0.0,channel=0,scsi-id=0,lun=0,drive=drive-scsi0,id=scsi0,bootindex=100"),
                devices.toString());
        assertTrue(devices.contains("ide-cd,bus=ide.1,unit=0,drive=drive-ide2,id=ide2"), "not in the boot order: " + devices);
        assertTrue(devices.contains("virtio-net-pci,mac=BC:24:11:00:00:01,netdev=net0,id=net0,romfile="), devices.toString());
        assertTrue(devices.contains("isa-serial,chardev=serial0"), devices.toString());
        assertTrue(devices.contains("virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"), devices.toString());
        assertTrue(values(argv, "-chardev").contains("socket,id=serial0,path=" + RUN.resolve("101.serial0")
                + ",server=on,wait=off,logfile=" + RUN.resolve("101.serial0.log")));
        assertTrue(values(argv, "-drive").contains("file=/tmp/pveq-rg-x/cloudinit/101/seed.iso,if=none,id=drive-ide2,"
                + "media=cdrom,format=raw,cache=writeback,aio=threads"), values(argv, "-drive").toString());
        assertEquals(List.of("type=pc,graphics=off"), values(argv, "-machine"), "vga serial0: the firmware talks on serial");
        assertEquals(List.of("tcg,thread=multi"), values(argv, "-accel"));
    }

    @Test
    void networkingIsUserModeRestrictedWithForwardsOnLoopbackOnly() {
        List<String> argv = build(pveqConfig("ip=127.0.10.101/24,gw=127.0.10.1"));
        assertEquals(List.of("user,id=net0,restrict=on,net=10.0.10.0/24,host=10.0.10.254,dns=10.0.10.253,"
                + "dhcpstart=10.0.10.101,hostfwd=tcp:127.0.10.101:22-10.0.10.101:22,"
                + "guestfwd=tcp:10.0.10.1:80-cmd:/usr/bin/busybox httpd -i -h /srv/repo"), values(argv, "-netdev"));
        // an address that is not loopback is handed to the guest as it is, and nothing is forwarded
        List<String> lan = build(pveqConfig("ip=192.0.2.101/24,gw=192.0.2.1"));
        String netdev = values(lan, "-netdev").get(0);
        assertTrue(netdev.startsWith("user,id=net0,restrict=on,net=192.0.2.0/24,"), netdev);
        assertFalse(netdev.contains("hostfwd"), netdev);
        for (List<String> any : List.of(argv, lan, build(pveqConfig("ip=dhcp")))) {
            for (String value : values(any, "-netdev")) {
                assertTrue(value.startsWith("user,") && value.contains(",restrict=on"), value);
                for (String part : value.split(",")) {
                    if (part.startsWith("hostfwd=")) {
                        assertTrue(part.startsWith("hostfwd=tcp:127."), part);
                    }
                }
            }
        }
    }

    @Test
    void bootOrderGivesBootIndexesAndAVmWithoutOneBootsItsDiskFirst() {
        Map<String, String> config = pveqConfig("ip=127.0.10.101/24,gw=127.0.10.1");
        config.put("boot", "order=ide2;scsi0;net0");
        List<String> devices = values(build(config), "-device");
        assertTrue(devices.stream().anyMatch(d -> d.startsWith("ide-cd,") && d.endsWith(",bootindex=100")), devices.toString());
        assertTrue(devices.stream().anyMatch(d -> d.startsWith("scsi-hd,") && d.endsWith(",bootindex=101")), devices.toString());
        assertTrue(devices.stream().anyMatch(d -> d.startsWith("virtio-net-pci,") && d.contains(",bootindex=102")), devices.toString());
        config.remove("boot");
        devices = values(build(config), "-device");
        assertTrue(devices.stream().anyMatch(d -> d.startsWith("scsi-hd,") && d.endsWith(",bootindex=100")), devices.toString());
    }
}
