package io.pveq.core;

import io.pveq.core.internal.cluster.OpsContext;
import io.pveq.core.internal.cluster.ProxmoxOps;

/**
 * How a provisioner reaches a Proxmox VE cluster; hand one to {@link VmProvisioner.Builder#connect}.
 * pveq has one per way in, each one line to make:
 * <ul>
 *   <li>the REST API with a token: {@code ProxmoxApi.builder().url(...).token(...).trust(TlsTrust.pinned(...)).build()}
 *       ({@code pveq-api}; no shell on any node);</li>
 *   <li>SSH to every node: {@code SshNodes.builder(key, knownHosts).node("pve1", "10.0.0.1")...build()}
 *       ({@code pveq-ssh});</li>
 *   <li>pveq running on the node itself: {@link CommandLineCluster#local(NodeName)} (pveq-core alone: no sshj,
 *       no OkHttp);</li>
 *   <li>a simulated cluster for tests: {@code SimulatedCluster.commandLine()} ({@code pveq-sim}), or its API face
 *       through {@code ProxmoxApi}.</li>
 * </ul>
 * The provisioner takes ownership: closing it closes the connection.
 *
 * <p>The one method is how a provisioner opens the connection; its types are pveq-internal and it may
 * change in any release. Embedders pass connections along and never call or implement it.
 */
public interface ClusterConnection extends AutoCloseable {

    /**
     * Opens the connection for one provisioner (called once, by {@link VmProvisioner.Builder#build()}).
     *
     * @param context time limits and the provisioner's listener
     * @return the operations the engine runs (internal)
     */
    ProxmoxOps open(OpsContext context);

    /** Releases what the connection holds when it was never opened; once opened, the provisioner closes it. */
    @Override
    default void close() {
    }
}
