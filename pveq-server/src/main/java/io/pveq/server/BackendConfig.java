package io.pveq.server;

import io.pveq.core.InvalidSpecException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the server reaches a real cluster and where images come from. Filled by {@link EnvConfig}.
 * Immutable.
 *
 * @param transport        {@code TRANSPORT}: how the main node is reached
 * @param sshUser          {@code SSH_USER} on the nodes (default {@code root})
 * @param sshPort          {@code SSH_PORT} on the nodes (default 22)
 * @param sshKey           {@code SSH_KEY}: private key for the nodes (default {@code ~/.ssh/id_ed25519})
 * @param knownHosts       {@code SSH_KNOWN_HOSTS}: host keys of the nodes (default {@code ~/.ssh/known_hosts})
 * @param acceptAnyHostKey {@code SSH_HOST_KEY_POLICY=accept-any}: trust any node host key (test machines only)
 * @param guestKey         {@code GUEST_SSH_KEY}: key pair pveq uses to reach new VMs, generated when missing
 * @param imageCacheDir    {@code IMAGE_CACHE_DIR}: verified image cache; empty: {@code ./cache/images} on a cluster,
 *                         a temporary folder on the simulated cluster
 * @param simSpeed         {@code SIM_SPEED}: how many times faster than real time the simulated cluster runs (default 10)
 * @param api              with {@code TRANSPORT=api}: the REST API to drive the cluster through
 * @param probeAddresses   {@code ADDRESS_PROBE=network} (default): a candidate address that answers on the
 *                         network is skipped; {@code off} trusts the cluster's own knowledge only
 * @param mirrors          {@code IMAGE_MIRROR_DEBIAN}, {@code IMAGE_MIRROR_UBUNTU}, {@code IMAGE_MIRROR_ROCKYLINUX}: base URLs by OS
 * @param simGuests        {@code SIM_GUESTS}: whether the simulated cluster's Debian VMs boot under QEMU
 * @param simGuestImages   {@code SIM_GUEST_IMAGES}: the folder ensure-images.sh printed (with {@code SIM_GUESTS=qemu})
 */
public record BackendConfig(Transport transport, String sshUser, int sshPort, Path sshKey, Path knownHosts,
                            boolean acceptAnyHostKey, Path guestKey, Optional<Path> imageCacheDir, Map<String, URI> mirrors,
                            double simSpeed, int simApiPort, Optional<ApiConfig> api, boolean probeAddresses,
                            SimGuests simGuests, Optional<Path> simGuestImages) {

    /** What the simulated cluster's VMs are ({@code SIM_GUESTS}). */
    public enum SimGuests {
        /** Simulated guests that answer SSH in the simulator (the default). */
        SIMULATED,
        /** Real Debian guests under QEMU, built by pveq-sim/guest-images/ensure-images.sh. */
        QEMU;

        /**
         * @param text {@code simulated} or {@code qemu}
         * @return the choice
         * @throws InvalidSpecException naming {@code SIM_GUESTS} for anything else
         */
        public static SimGuests parse(String text) {
            return switch (text == null ? "" : text.strip()) {
                case "simulated" -> SIMULATED;
                case "qemu" -> QEMU;
                default -> throw new InvalidSpecException("SIM_GUESTS", "must be simulated or qemu, got '"
                        + InvalidSpecException.shorten(text) + "'");
            };
        }
    }

    /** How the main node is reached ({@code TRANSPORT}). */
    public enum Transport {
        /** pveq runs on the main node: commands there run locally, other nodes over SSH (the reference's mode). */
        LOCAL,
        /** Every node, the main node included, over SSH: pveq runs anywhere. */
        SSH,
        /** The Proxmox VE REST API with a token ({@code PVE_API_URL}, ...): no shell or SSH on any node. */
        API;

        /**
         * @param text {@code local}, {@code ssh} or {@code api}
         * @return the transport
         * @throws InvalidSpecException naming {@code TRANSPORT} for anything else
         */
        public static Transport parse(String text) {
            return switch (text == null ? "" : text.strip()) {
                case "local" -> LOCAL;
                case "ssh" -> SSH;
                case "api" -> API;
                default -> throw new InvalidSpecException("TRANSPORT", "must be local, ssh or api, got '"
                        + InvalidSpecException.shorten(text) + "'");
            };
        }
    }

    /** Validates and copies. */
    public BackendConfig {
        Objects.requireNonNull(transport, "transport");
        if (sshUser == null || !sshUser.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new InvalidSpecException("SSH_USER", "must be a login name such as root, got '"
                    + InvalidSpecException.shorten(sshUser) + "'");
        }
        if (sshPort < 1 || sshPort > 65535) {
            throw new InvalidSpecException("SSH_PORT", "must be between 1 and 65535, got " + sshPort);
        }
        Objects.requireNonNull(sshKey, "sshKey");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(guestKey, "guestKey");
        Objects.requireNonNull(imageCacheDir, "imageCacheDir");
        mirrors = java.util.Collections.unmodifiableMap(new TreeMap<>(mirrors));
        if (!(simSpeed > 0) || simSpeed > 1000) {
            throw new InvalidSpecException("SIM_SPEED", "must be a number above 0 and at most 1000, got " + simSpeed);
        }
        Objects.requireNonNull(api, "api");
        if (transport == Transport.API && api.isEmpty()) {
            throw new InvalidSpecException("PVE_API_URL", "is required with TRANSPORT=api");
        }
        if (simApiPort < 0 || simApiPort > 65535) {
            throw new InvalidSpecException("SIM_API_PORT", "must be a port (0 turns the simulated API off), got "
                    + simApiPort);
        }
        Objects.requireNonNull(simGuests, "simGuests");
        Objects.requireNonNull(simGuestImages, "simGuestImages");
        if (simGuests == SimGuests.QEMU && simGuestImages.isEmpty()) {
            throw new InvalidSpecException("SIM_GUEST_IMAGES", "is required with SIM_GUESTS=qemu: the folder"
                    + " pveq-sim/guest-images/ensure-images.sh printed");
        }
    }

    /** @return the mirror configured for {@code os}, if any */
    public Optional<URI> mirror(String os) {
        return Optional.ofNullable(mirrors.get(os));
    }
}
