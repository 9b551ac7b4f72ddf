package io.pveq.core.scripts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds the repository's {@code sh/} folder from the working directory (surefire runs in pveq-core/). */
final class Repository {

    /** The nine served scripts. */
    static final List<String> SCRIPTS = List.of("debian_11.sh", "debian_12.sh", "debian_13.sh", "ubuntu_20.04.sh",
            "ubuntu_22.04.sh", "ubuntu_24.04.sh", "rockylinux_8.sh", "rockylinux_9.sh", "rockylinux_10.sh");
    /** Library files, each linted in its bundled form. */
    static final List<String> LIBRARIES = List.of("lib/common.sh", "lib/steps.sh", "lib/apt-family.sh",
            "lib/dnf-family.sh");

    private Repository() {
    }

    static Path shDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("sh/lib/common.sh"))) {
                return dir.resolve("sh");
            }
        }
        throw new IllegalStateException("no sh/lib/common.sh above " + Path.of("").toAbsolutePath());
    }
}
