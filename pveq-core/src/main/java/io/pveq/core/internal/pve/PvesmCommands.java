package io.pveq.core.internal.pve;

import io.pveq.core.transport.CommandRequest;
import java.util.Optional;

/** Builds {@code pvesm} command lines. Stateless and thread-safe. */
public final class PvesmCommands {

    private PvesmCommands() {
    }

    /** {@code pvesm status [--storage S]}: the storage table of the local node (sizes in KiB). */
    public static CommandRequest status(Optional<String> storage) {
        Argv a = new Argv("pvesm", "status");
        storage.ifPresent(s -> a.option("storage", Checks.storage("storage", s)));
        return a.toRequest();
    }
}
