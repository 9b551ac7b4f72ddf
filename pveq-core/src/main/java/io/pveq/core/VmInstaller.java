package io.pveq.core;

import io.pveq.core.event.ProgressListener;
import java.util.List;

/**
 * Installs VMs end to end: VMID and IP, image, CPU type, cloud-init, first boot, guest init,
 * reboot (the stages of {@link io.pveq.core.event.OperationKind#INSTALL}). A failure or
 * cancellation rolls back everything the install had changed. Thread-safe: installs run
 * concurrently without handing out one VMID or IP twice.
 */
public interface VmInstaller {

    /** @return the OS releases that can be installed, in a stable order (the image catalog's list) */
    List<OsRelease> supportedReleases();

    /** @return the site's VM size limits */
    VmLimits limits();

    /**
     * The site validation step, run before anything touches a node (the server runs it before it
     * opens the event stream): {@link #limits()} ({@code cpu}, {@code ram}, {@code disk}), the
     * release is supported ({@code os}, {@code version}), a requested VMID fits the addressing
     * mode ({@code id}: 100-254 and inside {@code ASSIGN_IP_START..END} by default), a requested
     * node is configured ({@code node}). Uses settings and the catalog only; never blocks on the
     * network.
     *
     * @param spec the request
     * @return {@code spec}, unchanged
     * @throws InvalidSpecException naming the first field that breaks a site rule
     */
    InstallSpec validate(InstallSpec spec);

    /**
     * Starts an install and returns at once. {@link #validate} runs first, synchronously, so a bad
     * request throws here and starts nothing.
     *
     * @param spec     the request
     * @param listener receives every event (also available later through the operation's log);
     *                 fast, never throws
     * @return the running operation; its result fails with {@link InstallFailedException} naming the
     *         failed stage and what was rolled back, or {@link OperationCancelledException}
     * @throws InvalidSpecException        when the spec breaks a site rule
     * @throws ClusterUnavailableException when the provisioner is closed or cannot accept work
     */
    Operation<InstallResult> submitInstall(InstallSpec spec, ProgressListener listener);

    /**
     * The blocking form of {@link #submitInstall}: returns when the VM is installed and reachable.
     * Interrupting the calling thread cancels the install and rolls it back.
     *
     * @return the result
     * @throws InvalidSpecException          when the spec breaks a site rule
     * @throws InstallFailedException        when a stage failed (everything was rolled back)
     * @throws OperationCancelledException   when interrupted (everything was rolled back)
     */
    default InstallResult install(InstallSpec spec, ProgressListener listener) {
        return submitInstall(spec, listener).await();
    }
}
