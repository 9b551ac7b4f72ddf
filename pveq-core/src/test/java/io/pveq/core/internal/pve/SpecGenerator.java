package io.pveq.core.internal.pve;

import io.pveq.core.DiskSize;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import io.pveq.core.transport.CommandRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Generates a seeded spread of specs and the command lines the builders make from them: every optional
 * field both present and absent, several storages, bridges, CPU models, sizes, odd-but-valid values
 * (long names, unicode descriptions, passwords with spaces and '='). Deterministic per seed.
 */
final class SpecGenerator {

    /** One generated command and, for {@code --sshkeys}, the key file's content. */
    record Generated(CommandRequest request, Optional<String> sshKeys, Optional<CreateVmSpec> spec) {
    }

    static final List<String> STORAGES = List.of("local-lvm", "local", "local-zfs", "ceph_pool.1", "nfs-store",
            "vmdata");
    static final List<String> CPUS = List.of("kvm64", "host", "max", "x86-64-v2", "x86-64-v2-AES", "x86-64-v3",
            "x86-64-v4", "qemu64", "custom-fast");
    static final List<String> BRIDGES = List.of("vmbr0", "vmbr1", "vmbr42", "br-lan_2");
    static final List<String> KEYS = List.of(
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHg0dJ+pveq/test+key= alice@example.org",
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7+/= bob's laptop (work)\n"
                    + "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= carol@host");

    private final Random random;

    SpecGenerator(long seed) {
        this.random = new Random(seed);
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private boolean coin() {
        return random.nextBoolean();
    }

    private VmId vmId() {
        return VmId.of(coin() ? 100 + random.nextInt(900) : 100 + random.nextInt(999_999_900));
    }

    private String mac() {
        StringBuilder mac = new StringBuilder(String.format("%02X", random.nextInt(128) * 2));
        for (int i = 0; i < 5; i++) {
            mac.append(':').append(String.format("%02X", random.nextInt(256)));
        }
        return mac.toString();
    }

    Generated create() {
        VmId id = vmId();
        String name = coin() ? "vm-" + id : "a-very-long-name-for-a-proxmox-virtual-machine-" + random.nextInt(1000)
                + ".example.org";
        int memory = pick(List.of(16, 512, 2048, 8192, 65536));
        CreateVmSpec.Builder b = CreateVmSpec.builder(id, name)
                .cpu(1 + random.nextInt(16), 1 + random.nextInt(4))
                .memoryMiB(memory)
                .cpuType(pick(CPUS))
                .osType(pick(List.copyOf(CreateVmSpec.OS_TYPES)))
                .network(pick(BRIDGES), coin() ? null : 1 + random.nextInt(4094))
                .systemDisk(pick(STORAGES), pick(List.of("/var/lib/vz/template/cache/debian-12.qcow2",
                        "/root/pve-images/ubuntu-24.04-server-cloudimg-amd64.img", "/tmp/pveq/img with space.raw")))
                .cloudInitDrive(pick(STORAGES), pick(List.of(CreateVmSpec.CloudInitSlot.values())))
                .ciUser(pick(List.of("root", "ubuntu", "deploy_user")),
                        coin() ? null : pick(List.of("s3cret", "pass word=with;odd,chars", "ünïcode-Pässword")))
                .onBoot(coin())
                .agent(coin());
        if (coin()) {
            b.balloonMiB(random.nextInt(memory + 1));
        }
        if (coin()) {
            b.macAddress(mac());
        }
        Optional<String> keys = Optional.empty();
        if (coin()) {
            keys = Optional.of(pick(KEYS));
            b.sshKeysFile("/tmp/pveq-keys-" + id + ".pub");
        }
        if (coin()) {
            b.ipConfig(IpConfig.dhcp(), null, null);
        } else {
            int third = random.nextInt(256);
            IpConfig ip = coin() ? IpConfig.of("10.0." + third + ".5", 8 + random.nextInt(23), "10.0." + third + ".1")
                    : IpConfig.of("192.168.1." + (2 + random.nextInt(250)), 24);
            b.ipConfig(ip, coin() ? "1.1.1.1" : coin() ? "9.9.9.9 1.0.0.1" : null, coin() ? "lab.example.org" : null);
        }
        if (coin()) {
            b.tags(pick(List.of(List.of("pveq"), List.of("pveq", "web-1", "team_a"), List.of("v1.2+build"))));
        }
        if (coin()) {
            b.description(pick(List.of("made by pveq", "multi\nline notes: ünïcode ✓", "a,b=c;d")));
        }
        CreateVmSpec spec = b.build();
        return new Generated(QmCommands.create(spec), keys, Optional.of(spec));
    }

    /** Every other command, with generated arguments. */
    List<Generated> others() {
        VmId id = vmId();
        List<CommandRequest> requests = new ArrayList<>();
        String storage = pick(STORAGES);
        requests.add(QmCommands.diskImport(id, "/var/lib/vz/images/x.qcow2", storage,
                coin() ? Optional.empty() : Optional.of(pick(List.of("qcow2", "raw", "vmdk")))));
        requests.add(QmCommands.importDiskLegacy(id, "/tmp/y.raw", storage, Optional.empty()));
        ConfigUpdate.Builder update = ConfigUpdate.builder();
        String slot = pick(List.of("scsi0", "scsi1", "virtio0", "sata0"));
        update.disk(slot, new VolumeId(storage, pick(List.of("vm-" + id + "-disk-0", id + "/vm-" + id + "-disk-0.qcow2"))),
                coin() ? PropertyString.builder().build() : PropertyString.builder().put("discard", "on").build());
        update.bootOrder(coin() ? List.of(slot) : List.of(slot, "net0"));
        if (coin()) {
            update.cloudInitDrive(slot.equals("scsi1") ? CreateVmSpec.CloudInitSlot.IDE2
                    : pick(List.of(CreateVmSpec.CloudInitSlot.values())), storage);
        }
        if (coin()) {
            update.ipConfig(random.nextInt(4), coin() ? IpConfig.dhcp() : IpConfig.of("10.1.2.3", 16, "10.1.0.1"));
        }
        if (coin()) {
            update.ciUser("ubuntu").ciPassword("p@ss word");
        }
        if (coin()) {
            update.tags(List.of("pveq", "b")).description("set by pveq").onBoot(coin()).cores(2).memoryMiB(1024)
                    .cpuType(pick(CPUS)).name("renamed-" + id);
        }
        if (coin()) {
            update.delete("unused0").delete("ide3");
        }
        if (coin()) {
            update.skipLock();
        }
        requests.add(QmCommands.set(id, update.build()));
        DiskSize size = pick(List.of(DiskSize.ofGiB(1 + random.nextInt(2000)), DiskSize.ofMiB(3584),
                ProxmoxSizes.parse("1.5G"), DiskSize.ofGiB(1024)));
        requests.add(QmCommands.resizeTo(id, slot, size));
        requests.add(QmCommands.growBy(id, slot, size, false));
        requests.add(QmCommands.growBy(id, slot, size, true));
        Optional<Duration> timeout = coin() ? Optional.empty() : Optional.of(Duration.ofSeconds(random.nextInt(600)));
        requests.add(QmCommands.start(id, timeout));
        requests.add(QmCommands.stop(id, coin(), timeout));
        requests.add(QmCommands.shutdown(id, timeout, coin()));
        requests.add(QmCommands.reboot(id, timeout));
        requests.add(QmCommands.destroy(id, coin(), coin(), coin()));
        requests.add(QmCommands.migrate(id, NodeName.of(pick(List.of("pve2", "node-b", "x1"))), coin(), coin(),
                coin() ? Optional.empty() : Optional.of(storage)));
        requests.add(QmCommands.status(id, coin()));
        requests.add(QmCommands.config(id));
        requests.add(QmCommands.list());
        requests.add(QmCommands.cloudInitDump(id, pick(List.of(QmCommands.CloudInitSection.values()))));
        requests.add(PveshCommands.clusterResources(coin() ? Optional.empty()
                : Optional.of(pick(List.of(PveshCommands.ResourceType.values())))));
        requests.add(PveshCommands.nodes());
        requests.add(PveshCommands.nodeStatus(NodeName.of(pick(List.of("pve1", "node-b")))));
        requests.add(PveshCommands.nodeStorage(NodeName.of("pve1")));
        requests.add(PveshCommands.nextId());
        requests.add(PvesmCommands.status(coin() ? Optional.empty() : Optional.of(storage)));
        return requests.stream().map(r -> new Generated(r, Optional.empty(), Optional.empty())).toList();
    }
}
