package io.pveq.api;

import io.pveq.core.VmId;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A VM's configuration ({@code GET /nodes/{node}/qemu/{vmid}/config}) with its {@code digest}, the
 * token for an optimistic update ({@link VmConfigUpdate.Builder#digest(String)}): an update carrying
 * it fails if someone changed the config in between.
 *
 * @param vmId    the VM
 * @param digest  the SHA-1 digest of the config file as read
 * @param entries every key with its value as Proxmox sends it (numbers and booleans as text, {@code sshkeys}
 *                URL-encoded); {@code digest} itself is not among them
 * @param disks   the disks and CD-ROMs, by slot
 * @param nics    the network devices, by slot
 * @param sshKeys the cloud-init public keys, decoded, one per entry
 */
public record VmConfig(VmId vmId, String digest, SortedMap<String, String> entries, SortedMap<String, VmDisk> disks,
                       SortedMap<String, VmNic> nics, List<String> sshKeys) {

    /** Validates and copies. */
    public VmConfig {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(digest, "digest");
        entries = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(entries));
        disks = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(disks));
        nics = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(nics));
        sshKeys = List.copyOf(sshKeys);
    }

    /** @return the value of {@code key}, as text */
    public Optional<String> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** @return the VM's name, when set */
    public Optional<String> name() {
        return get("name");
    }

    /** @return memory in MiB ({@code memory}, which may be a property string {@code current=N} on PVE 9) */
    public OptionalInt memoryMiB() {
        return get("memory").map(m -> m.startsWith("current=") ? m.substring(8).split(",")[0] : m.split(",")[0])
                .map(VmConfig::intOf).orElse(OptionalInt.empty());
    }

    /** @return cores per socket */
    public OptionalInt cores() {
        return get("cores").map(VmConfig::intOf).orElse(OptionalInt.empty());
    }

    /** @return sockets */
    public OptionalInt sockets() {
        return get("sockets").map(VmConfig::intOf).orElse(OptionalInt.empty());
    }

    /** @return the CPU type ({@code cpu}, its first part), e.g. {@code x86-64-v2-AES} */
    public Optional<String> cpuType() {
        return get("cpu").map(c -> c.split(",")[0]).map(c -> c.startsWith("cputype=") ? c.substring(8) : c);
    }

    /** @return the tags */
    public Set<String> tags() {
        return get("tags").map(t -> Set.of(t.split("[;, ]+"))).orElse(Set.of());
    }

    /** @return the config lock, when locked */
    public Optional<String> lock() {
        return get("lock");
    }

    /** @return true when the VM is a template */
    public boolean template() {
        return get("template").map(t -> t.equals("1")).orElse(false);
    }

    /** @return the {@code ipconfigN} values by key */
    public Map<String, String> ipConfigs() {
        TreeMap<String, String> out = new TreeMap<>();
        entries.forEach((k, v) -> {
            if (k.matches("ipconfig\\d+")) {
                out.put(k, v);
            }
        });
        return java.util.Collections.unmodifiableMap(out);
    }

    private static OptionalInt intOf(String text) {
        try {
            return OptionalInt.of(Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
