package io.pveq.api.internal;

import io.pveq.api.CloneSpec;
import io.pveq.api.DiskSpec;
import io.pveq.api.IpConfigSpec;
import io.pveq.api.MigrateSpec;
import io.pveq.api.NicSpec;
import io.pveq.api.VmConfigUpdate;
import io.pveq.api.VmCreateSpec;
import io.pveq.api.VmSettings;
import io.pveq.core.SshPublicKey;
import io.pveq.core.internal.pve.PropertyString;
import io.pveq.core.internal.pve.ShaCrypt;
import io.pveq.core.internal.pve.SshKeys;
import java.util.stream.Collectors;

/**
 * Turns the typed VM specs into Proxmox parameters: the one place where property strings are
 * assembled (through pveq-core's {@link PropertyString}, which refuses values Proxmox would split),
 * {@code sshkeys} is URL-encoded ({@code %20} for spaces, as Proxmox stores it) and the cloud-init
 * password is hashed (SHA-256-crypt; Proxmox does not hash on create). Stateless.
 */
public final class VmParams {

    private VmParams() {
    }

    /** @return the parameters of {@code POST /nodes/{node}/qemu} */
    public static FormParams create(VmCreateSpec spec) {
        FormParams params = FormParams.empty().put("vmid", spec.vmId().value());
        settings(params, spec.settings());
        if (spec.start()) {
            params.put("start", true);
        }
        return params;
    }

    /** @return the parameters of {@code PUT /nodes/{node}/qemu/{vmid}/config} */
    public static FormParams update(VmConfigUpdate update) {
        FormParams params = FormParams.empty();
        settings(params, update.settings());
        if (!update.delete().isEmpty()) {
            params.put("delete", String.join(",", update.delete()));
        }
        update.digest().ifPresent(d -> params.put("digest", d));
        return params;
    }

    /** @return the parameters of {@code POST .../migrate} */
    public static FormParams migrate(MigrateSpec spec) {
        FormParams params = FormParams.empty().put("target", spec.target().value());
        if (spec.online()) {
            params.put("online", true);
        }
        if (spec.withLocalDisks()) {
            params.put("with-local-disks", true);
        }
        spec.targetStorage().ifPresent(s -> params.put("targetstorage", s));
        spec.bandwidthKiBps().ifPresent(b -> params.put("bwlimit", b));
        return params;
    }

    /** @return the parameters of {@code POST .../clone} */
    public static FormParams clone(CloneSpec spec) {
        FormParams params = FormParams.empty().put("newid", spec.newId().value());
        spec.name().ifPresent(n -> params.put("name", n));
        if (spec.full()) {
            params.put("full", true);
        }
        spec.target().ifPresent(t -> params.put("target", t.value()));
        spec.storage().ifPresent(s -> params.put("storage", s));
        spec.description().ifPresent(d -> params.put("description", d));
        return params;
    }

    private static void settings(FormParams params, VmSettings s) {
        s.name().ifPresent(v -> params.put("name", v));
        s.memoryMiB().ifPresent(v -> params.put("memory", v));
        s.balloonMiB().ifPresent(v -> params.put("balloon", v));
        s.cores().ifPresent(v -> params.put("cores", v));
        s.sockets().ifPresent(v -> params.put("sockets", v));
        s.cpuType().ifPresent(v -> params.put("cpu", PropertyString.builder().put("cputype", v).build()
                .encode("cputype")));
        s.osType().ifPresent(v -> params.put("ostype", v));
        s.scsiHardware().ifPresent(v -> params.put("scsihw", v));
        for (DiskSpec disk : s.disks()) {
            params.put(disk.slot(), disk(disk));
        }
        for (NicSpec nic : s.nics()) {
            params.put("net" + nic.index(), nic(nic));
        }
        for (IpConfigSpec ip : s.ipConfigs()) {
            params.put("ipconfig" + ip.index(), ipConfig(ip));
        }
        s.ciUser().ifPresent(v -> params.put("ciuser", v));
        s.ciPassword().ifPresent(p -> params.put("cipassword",
                ShaCrypt.isHashed(p.reveal()) ? p.reveal() : ShaCrypt.hash(p.reveal())));
        if (!s.sshKeys().isEmpty()) {
            params.put("sshkeys", sshKeys(s));
        }
        if (!s.nameservers().isEmpty()) {
            params.put("nameserver", String.join(" ", s.nameservers()));
        }
        s.searchDomain().ifPresent(v -> params.put("searchdomain", v));
        s.ciUpgrade().ifPresent(v -> params.put("ciupgrade", v));
        s.agent().ifPresent(v -> params.put("agent", PropertyString.builder().put("enabled", v ? "1" : "0").build()
                .encode("enabled")));
        s.serialSocket().ifPresent(port -> params.put("serial" + port, "socket"));
        s.vga().ifPresent(v -> params.put("vga", v));
        if (!s.bootOrder().isEmpty()) {
            params.put("boot", PropertyString.builder().put("order", String.join(";", s.bootOrder())).build().encode());
        }
        s.onBoot().ifPresent(v -> params.put("onboot", v));
        if (!s.tags().isEmpty()) {
            params.put("tags", String.join(";", s.tags()));
        }
        s.description().ifPresent(v -> params.put("description", v));
        s.extra().forEach(params::put);
    }

    /** @return the disk's property string, e.g. {@code local-lvm:0,import-from=local:import/x.qcow2} */
    static String disk(DiskSpec disk) {
        PropertyString.Builder b = PropertyString.builder().put("file", disk.source());
        disk.options().forEach(b::put);
        return b.build().encode("file");
    }

    /** @return the NIC's property string, e.g. {@code virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=5} */
    static String nic(NicSpec nic) {
        PropertyString.Builder b = PropertyString.builder();
        if (nic.mac().isPresent()) {
            b.put(nic.model(), nic.mac().get()); // MODEL=MAC: the model key aliases macaddr
        } else {
            b.put("model", nic.model());
        }
        b.put("bridge", nic.bridge());
        nic.vlanTag().ifPresent(t -> b.put("tag", Integer.toString(t)));
        if (nic.firewall()) {
            b.put("firewall", "1");
        }
        return b.build().encode("model");
    }

    /** @return the {@code ipconfigN} property string */
    static String ipConfig(IpConfigSpec ip) {
        PropertyString.Builder b = PropertyString.builder();
        b.put("ip", ip.ipv4().map(Object::toString).orElse("dhcp"));
        ip.gateway().ifPresent(g -> b.put("gw", g.toString()));
        ip.ipv6().ifPresent(v6 -> b.put("ip6", v6));
        return b.build().encode();
    }

    private static String sshKeys(VmSettings s) {
        String lines = s.sshKeys().stream().map(SshPublicKey::line).collect(Collectors.joining("\n")) + "\n";
        return SshKeys.encode(SshKeys.normalize(lines));
    }
}
