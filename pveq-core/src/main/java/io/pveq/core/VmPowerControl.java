package io.pveq.core;

import io.pveq.core.event.ProgressListener;
import java.time.Duration;

/**
 * Power operations on existing VMs, wherever in the cluster they live (the node is looked up in
 * fresh cluster state; callers never name it). Thread-safe. Long operations run as
 * {@link Operation}s, at most one per VM at a time: a second one is refused with
 * {@link VmStateException}. A VM that Proxmox has locked ({@code lock: backup}, {@code migrate}, ...)
 * is refused at once with {@link VmLockedException} naming the lock, before any command that would
 * change it is sent; only {@link #stop(VmId, LockPolicy)} can override a lock. Common exceptions:
 * {@link VmNotFoundException}, {@link NodeUnavailableException}, {@link ClusterUnavailableException},
 * {@link CommandFailedException}.
 */
public interface VmPowerControl {

    /**
     * @return the VM's power state ({@code qm status}); blocking, one command
     * @throws VmNotFoundException when no such VM exists
     */
    VmStatus status(VmId vmId);

    /**
     * Starts a VM and follows it until it accepts SSH (stages of {@code START}). A VM already
     * running is not an error: the operation goes on to wait for SSH.
     *
     * @param listener fast, never throws
     * @return the running operation
     * @throws VmNotFoundException when no such VM exists (checked before the operation starts)
     */
    Operation<VmOutcome> submitStart(VmId vmId, ProgressListener listener);

    /** Blocking form of {@link #submitStart}; interrupting the caller cancels it. */
    default VmOutcome start(VmId vmId, ProgressListener listener) {
        return submitStart(vmId, listener).await();
    }

    /**
     * Stops a VM at once, like pulling the plug ({@code qm stop}), respecting a config lock. Stopping a
     * stopped VM is not an error. Blocking.
     *
     * @throws VmNotFoundException when no such VM exists
     * @throws VmLockedException   when Proxmox has locked the VM (nothing was sent)
     */
    default void stop(VmId vmId) {
        stop(vmId, LockPolicy.RESPECT);
    }

    /**
     * Stops a VM at once; with {@link LockPolicy#OVERRIDE} also a locked one ({@code qm stop --skiplock 1}).
     * Stopping a stopped VM is not an error. Blocking.
     *
     * @param locks whether a config lock is respected
     * @throws VmNotFoundException when no such VM exists
     * @throws VmLockedException   when the VM is locked and {@code locks} respects it (nothing was sent)
     */
    void stop(VmId vmId, LockPolicy locks);

    /**
     * ACPI shutdown, waiting up to {@code timeout} for the guest to power off (stages of
     * {@code SHUTDOWN}); when it does not and {@code forceAfterTimeout} is set, a forced stop
     * follows. Shutting down a stopped VM is not an error.
     *
     * @param timeout           how long the guest gets, positive
     * @param forceAfterTimeout stop it forcibly when the timeout passes
     * @param listener          fast, never throws
     * @return the running operation; its result fails with {@link VmStateException} when the
     *         guest ignored the request and forcing was not asked for
     */
    Operation<VmOutcome> submitShutdown(VmId vmId, Duration timeout, boolean forceAfterTimeout, ProgressListener listener);

    /** Blocking form of {@link #submitShutdown}; interrupting the caller cancels it. */
    default VmOutcome shutdown(VmId vmId, Duration timeout, boolean forceAfterTimeout) {
        return submitShutdown(vmId, timeout, forceAfterTimeout, ProgressListener.NONE).await();
    }

    /**
     * Reboots a running VM and follows it until it accepts SSH again (stages of {@code REBOOT}).
     *
     * @param listener fast, never throws
     * @return the running operation
     * @throws VmStateException    when the VM is not running (checked before the operation starts)
     * @throws VmNotFoundException when no such VM exists
     */
    Operation<VmOutcome> submitReboot(VmId vmId, ProgressListener listener);

    /** Blocking form of {@link #submitReboot}; interrupting the caller cancels it. */
    default VmOutcome reboot(VmId vmId, ProgressListener listener) {
        return submitReboot(vmId, listener).await();
    }
}
