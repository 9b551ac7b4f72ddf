package io.pveq.core;

import java.util.List;
import java.util.Optional;

/**
 * The long operations a provisioner is running or has recently finished: what the server lists,
 * re-attaches to and cancels as jobs. Finished operations are kept for
 * {@link ProvisionerSettings.Timeouts#operationRetention()} (and at most a bounded number), so a
 * client can fetch a result it missed. Thread-safe; never blocks.
 */
public interface Operations {

    /**
     * @return running and retained finished operations, newest first; with a shared job store also those
     *         of the other instances
     */
    List<Operation<?>> list();

    /** @return the operations this provisioner is running now (not those of other instances), newest first */
    default List<Operation<?>> runningHere() {
        return list().stream().filter(o -> o.local() && !o.state().isFinished()).toList();
    }

    /** @return the operation with this id, if running or retained */
    Optional<Operation<?>> find(OperationId id);

    /**
     * @param vmId a VM
     * @return the operation currently running on that VM, if any; a provisioner runs at most one
     *         long operation per VM at a time and refuses a second with {@link VmStateException}
     */
    Optional<Operation<?>> runningFor(VmId vmId);

    /**
     * Cancels an operation (see {@link Operation#cancel()}).
     *
     * @return true when this call requested the cancellation; false when the operation is unknown,
     *         finished or already being cancelled
     */
    default boolean cancel(OperationId id) {
        return find(id).map(Operation::cancel).orElse(false);
    }
}
