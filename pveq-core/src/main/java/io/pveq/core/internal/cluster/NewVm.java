package io.pveq.core.internal.cluster;

import io.pveq.core.internal.pve.CreateVmSpec;
import java.util.Objects;

/**
 * A VM to create, in either dialect: the create's values and the public keys cloud-init authorises
 * (the CLI dialect writes them to a file {@code qm --sshkeys} reads on the node; the API dialect sends
 * them URL-encoded).
 *
 * @param spec           the values; {@link CreateVmSpec#sshKeysFile()} empty
 * @param authorizedKeys one OpenSSH public key per line, normalised; empty for none
 */
public record NewVm(CreateVmSpec spec, String authorizedKeys) {

    /** Validates. */
    public NewVm {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(authorizedKeys, "authorizedKeys");
        if (spec.sshKeysFile().isPresent()) {
            throw new IllegalArgumentException("the keys travel as text; the CLI dialect writes the file itself");
        }
    }
}
