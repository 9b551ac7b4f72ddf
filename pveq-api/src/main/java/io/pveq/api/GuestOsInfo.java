package io.pveq.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The operating system inside a VM, as its guest agent reports it ({@code agent/get-osinfo}; the fields of
 * {@code /etc/os-release} and {@code uname}). Fields the agent leaves out are empty.
 *
 * @param id            e.g. {@code debian}
 * @param name          e.g. {@code Debian GNU/Linux}
 * @param prettyName    e.g. {@code Debian GNU/Linux 12 (bookworm)}
 * @param version       e.g. {@code 12 (bookworm)}
 * @param versionId     e.g. {@code 12}
 * @param kernelRelease e.g. {@code 6.1.0-28-amd64}
 * @param kernelVersion the kernel's build string
 * @param machine       e.g. {@code x86_64}
 */
public record GuestOsInfo(Optional<String> id, Optional<String> name, Optional<String> prettyName,
                          Optional<String> version, Optional<String> versionId, Optional<String> kernelRelease,
                          Optional<String> kernelVersion, Optional<String> machine) {

    /** Validates. */
    public GuestOsInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prettyName, "prettyName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(versionId, "versionId");
        Objects.requireNonNull(kernelRelease, "kernelRelease");
        Objects.requireNonNull(kernelVersion, "kernelVersion");
        Objects.requireNonNull(machine, "machine");
    }
}
