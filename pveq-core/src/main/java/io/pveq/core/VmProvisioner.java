package io.pveq.core;

/**
 * The entry point: provisions and operates Proxmox VE VMs across a cluster. It combines small
 * role interfaces, so code that needs one role can depend on that role only:
 * <ul>
 *   <li>{@link VmInstaller}: validate and install;</li>
 *   <li>{@link VmPowerControl}: status, start, stop, shutdown, reboot;</li>
 *   <li>{@link VmResources}: cpu, memory, disk growth, migration, destroy;</li>
 *   <li>{@link ClusterInventory}: VMs, nodes and storages;</li>
 *   <li>{@link #operations()}: the long operations as jobs to list, re-attach to and cancel.</li>
 * </ul>
 * Thread-safe and meant to be shared: one instance per cluster. {@link #close()} cancels running
 * operations (rolling them back), waits for them up to a bounded time, and releases transports;
 * afterwards every method throws {@link ClusterUnavailableException}.
 */
public interface VmProvisioner extends VmInstaller, VmPowerControl, VmResources, ClusterInventory, AutoCloseable {

    /** @return the running and recently finished long operations */
    Operations operations();

    /** @return the settings this provisioner was built with */
    ProvisionerSettings settings();

    /**
     * Builds the provisioner pveq-core implements. Nothing is contacted yet: the first call that needs
     * the cluster reads it. OS init scripts come from the {@code sh/} folder packaged in pveq-core.
     *
     * @param setup settings and collaborators; the provisioner takes ownership of them (see {@link #close()})
     * @return a thread-safe provisioner to share
     */
    static VmProvisioner create(ProvisionerSetup setup) {
        java.util.Objects.requireNonNull(setup, "setup");
        return io.pveq.core.internal.engine.EngineProvisioner.create(setup,
                InitScripts.packaged()::forRelease, io.pveq.core.internal.engine.Retry.defaults());
    }

    /** Cancels running operations, waits for their rollback (bounded), releases resources. Idempotent. */
    @Override
    void close();
}
