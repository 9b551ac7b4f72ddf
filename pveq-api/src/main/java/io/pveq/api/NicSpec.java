package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * A network device, {@code netN: MODEL[=MAC],bridge=BRIDGE[,tag=VLAN][,firewall=1]}. Without a MAC,
 * Proxmox picks one ({@code BC:24:11:...}). Immutable.
 *
 * @param index    N in {@code netN}, 0-31
 * @param model    {@code virtio}, {@code e1000}, {@code e1000e}, {@code rtl8139}, {@code vmxnet3}
 * @param mac      a fixed unicast MAC, e.g. {@code BC:24:11:00:00:01}
 * @param bridge   the bridge, e.g. {@code vmbr0}
 * @param vlanTag  a VLAN tag 1-4094
 * @param firewall whether Proxmox's firewall filters this device
 */
public record NicSpec(int index, String model, Optional<String> mac, String bridge, OptionalInt vlanTag,
                      boolean firewall) {

    private static final Pattern MODEL = Pattern.compile("virtio|e1000|e1000e|rtl8139|vmxnet3|e1000-82540em"
            + "|e1000-82544gc|e1000-82545em|i82551|i82557b|i82559er|ne2k_isa|ne2k_pci|pcnet");
    private static final Pattern MAC = Pattern.compile("(?i)[0-9a-f][02468ace](:[0-9a-f]{2}){5}");
    private static final Pattern BRIDGE = Pattern.compile("[-_.\\w]{1,64}");

    /** Validates. */
    public NicSpec {
        if (index < 0 || index > 31) {
            throw new InvalidSpecException("net", "index must be 0-31, got " + index);
        }
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(vlanTag, "vlanTag");
        if (!MODEL.matcher(model).matches()) {
            throw new InvalidSpecException("net" + index, "model must be virtio, e1000, e1000e, rtl8139, vmxnet3 or"
                    + " another QEMU NIC model, got '" + InvalidSpecException.shorten(model) + "'");
        }
        mac.ifPresent(m -> {
            if (!MAC.matcher(m).matches()) {
                throw new InvalidSpecException("net" + index, "mac must be a unicast MAC like BC:24:11:00:00:01, got '"
                        + InvalidSpecException.shorten(m) + "'");
            }
        });
        if (!BRIDGE.matcher(bridge).matches()) {
            throw new InvalidSpecException("net" + index, "bridge must be a bridge name such as vmbr0, got '"
                    + InvalidSpecException.shorten(bridge) + "'");
        }
        if (vlanTag.isPresent() && (vlanTag.getAsInt() < 1 || vlanTag.getAsInt() > 4094)) {
            throw new InvalidSpecException("net" + index, "VLAN tag must be 1-4094, got " + vlanTag.getAsInt());
        }
    }

    /**
     * @param index  N in {@code netN}
     * @param bridge the bridge
     * @return a virtio device on {@code bridge} with a MAC chosen by Proxmox, no VLAN, no firewall
     */
    public static NicSpec virtio(int index, String bridge) {
        return new NicSpec(index, "virtio", Optional.empty(), bridge, OptionalInt.empty(), false);
    }

    /** @return a copy with this fixed MAC */
    public NicSpec withMac(String mac) {
        return new NicSpec(index, model, Optional.of(mac), bridge, vlanTag, firewall);
    }

    /** @return a copy on this VLAN */
    public NicSpec withVlan(int tag) {
        return new NicSpec(index, model, mac, bridge, OptionalInt.of(tag), firewall);
    }

    /** @return a copy with the firewall on or off */
    public NicSpec withFirewall(boolean on) {
        return new NicSpec(index, model, mac, bridge, vlanTag, on);
    }
}
