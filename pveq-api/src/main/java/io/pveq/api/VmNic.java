package io.pveq.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A network device of a VM's config, e.g. {@code net0: virtio=BC:24:11:46:32:17,bridge=vmbr0}.
 *
 * @param slot    the config key, e.g. {@code net0}
 * @param model   the device model, e.g. {@code virtio}, {@code e1000}
 * @param mac     its MAC address, when set
 * @param bridge  its bridge, when set
 * @param options the other keys ({@code firewall}, {@code tag}, ...)
 */
public record VmNic(String slot, String model, Optional<String> mac, Optional<String> bridge,
                    Map<String, String> options) {

    /** Validates and copies. */
    public VmNic {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(bridge, "bridge");
        options = Map.copyOf(options);
    }
}
