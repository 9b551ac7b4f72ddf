package io.pveq.core.guest;

import io.pveq.core.GuestAccessException;
import io.pveq.core.transport.OutputListener;
import java.time.Duration;

/**
 * SSH access to new VMs: wait until one accepts SSH, run a script in it as root, reboot it. The SSH
 * implementation lives in {@code pveq-ssh}; the simulator has one for its simulated guests.
 *
 * <p>The implementation owns the key pair used to reach guests; {@link #authorizedKey()} is what the
 * installer hands to cloud-init. Guest host keys are trusted on first contact and reported through
 * {@link ReadinessListener#onReady}. Thread-safe; every method blocks.
 */
public interface GuestAccess extends AutoCloseable {

    /** @return the public key line ({@code ssh-ed25519 AAAA... comment}) guests must authorise */
    String authorizedKey();

    /**
     * Waits until the guest accepts an SSH login: a TCP probe, then a full handshake and
     * authentication, retried with backoff from about 250 ms until the deadline.
     *
     * @param endpoint where to connect
     * @param deadline how long to keep trying
     * @param listener told about each attempt
     * @throws GuestAccessException when the deadline passes; the message says what the last attempt saw
     */
    void awaitReady(GuestEndpoint endpoint, Duration deadline, ReadinessListener listener);

    /**
     * Runs a script as root (through {@code sudo} when the login user is not root).
     *
     * @param endpoint where to connect
     * @param script   what to run
     * @param timeout  limit for the whole script
     * @param output   receives its output lines as they come
     * @return the script's exit code (0 on success)
     * @throws GuestAccessException when the guest cannot be reached or the script cannot be started or finished
     */
    int runScript(GuestEndpoint endpoint, GuestScript script, Duration timeout, OutputListener output);

    /**
     * Asks the guest to reboot and returns once the connection is gone (it does not wait for the
     * guest to come back; call {@link #awaitReady} for that).
     *
     * @throws GuestAccessException when the guest cannot be reached
     */
    void reboot(GuestEndpoint endpoint);

    /**
     * Drops what this instance remembers about {@code endpoint}: the host key recorded on first contact
     * and any cached connection. The engine calls it when it destroys a VM and before it first contacts a
     * VM it has just created, so a new VM that reuses a freed VMID and address is trusted afresh instead of
     * being refused for a changed host key. Implementations match by VM id, host and port; the user does
     * not matter. The default does nothing (for implementations that remember nothing). Never throws;
     * may block briefly while connections close.
     *
     * @param endpoint the VM's SSH endpoint; not null
     */
    default void forget(GuestEndpoint endpoint) {
    }

    @Override
    default void close() {
    }

    /** Progress of {@link #awaitReady}. Fast, never throws. */
    interface ReadinessListener {
        /** A listener that ignores everything. */
        ReadinessListener NONE = new ReadinessListener() { };

        /**
         * @param attempt 1 for the first try
         * @param elapsed time since waiting began
         * @param outcome what this attempt saw, e.g. {@code connection refused}, {@code auth not yet accepted}
         */
        default void onAttempt(int attempt, Duration elapsed, String outcome) {
        }

        /**
         * @param hostKeyFingerprint the guest's host key as {@code SHA256:...}, recorded on this first contact
         * @param elapsed            time since waiting began
         */
        default void onReady(String hostKeyFingerprint, Duration elapsed) {
        }
    }
}
