package io.pveq.sim;

import io.pveq.core.guest.GuestAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link SimulatedCluster} boots its VMs as real guests under QEMU instead of simulating them
 * ({@link SimulatedCluster.Builder#realGuests}). {@code qm start} then turns the VM's config into a
 * QEMU command line as Proxmox does, boots the imported disk copy-on-write with a NoCloud seed of
 * exactly the files Proxmox generates, and the guest is reached over real SSH at its {@code ipconfig0}
 * address (a loopback address, forwarded to the guest's port 22).
 *
 * <p>QEMU always runs with {@code -nodefaults} and user-mode networking with {@code restrict=on}: a
 * guest reaches nothing outside this machine but its SSH forward and the package repository served to
 * it through a guest forward (see {@link GuestImages#repository()}). Binding port 22 on a loopback
 * address needs root (or a lowered {@code net.ipv4.ip_unprivileged_port_start}). Immutable.
 *
 * @param guestAccess  how pveq reaches guests over SSH (for example pveq-ssh's {@code SshGuestAccess}); the
 *                     cluster's {@link SimulatedCluster#guestAccess()} wraps it, adding the serial console's
 *                     tail to readiness timeouts; empty when guests are reached by other means only (a
 *                     server talking to the cluster through its launchers over SSH)
 * @param qemu         the emulator
 * @param workFolder   where volumes, seeds, sockets and console logs go; empty: a temporary folder
 * @param repository   the package repository root given to guests at their gateway's port 80, if any
 * @param stopTimeout  how long a stop waits for QEMU to end before killing it
 */
public record RealGuests(Optional<GuestAccess> guestAccess, Path qemu, Optional<Path> workFolder, Optional<Path> repository,
                         Duration stopTimeout) {

    /** The emulator used unless told otherwise. */
    public static final Path DEFAULT_QEMU = Path.of("/usr/bin/qemu-system-x86_64");

    /** Validates. */
    public RealGuests {
        Objects.requireNonNull(guestAccess, "guestAccess");
        Objects.requireNonNull(qemu, "qemu");
        Objects.requireNonNull(workFolder, "workFolder");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        workFolder.ifPresent(f -> {
            if (f.toString().length() > 60 || !f.isAbsolute()) {
                throw new IllegalArgumentException("workFolder must be an absolute path of at most 60 characters"
                        + " (QEMU's unix sockets live below it), got " + f);
            }
        });
        repository.ifPresent(r -> {
            if (r.toString().matches(".*[\\s,'\"].*")) {
                throw new IllegalArgumentException("repository path must not hold spaces, commas or quotes: " + r);
            }
        });
    }

    /**
     * @param guestAccess how to reach guests over SSH
     * @param images      the built images, whose package repository the guests get
     * @return real guests with the default emulator, a temporary work folder and a 60 s stop timeout
     */
    public static RealGuests of(GuestAccess guestAccess, GuestImages images) {
        return new RealGuests(Optional.of(guestAccess), DEFAULT_QEMU, Optional.empty(), Optional.of(images.repository()),
                Duration.ofSeconds(60));
    }

    /**
     * @param images the built images, whose package repository the guests get
     * @return real guests without a guest access of the cluster's own (see {@link #guestAccess()})
     */
    public static RealGuests of(GuestImages images) {
        return new RealGuests(Optional.empty(), DEFAULT_QEMU, Optional.empty(), Optional.of(images.repository()),
                Duration.ofSeconds(60));
    }

    /** @return whether the emulator is installed here */
    public boolean available() {
        return Files.isExecutable(qemu);
    }
}
