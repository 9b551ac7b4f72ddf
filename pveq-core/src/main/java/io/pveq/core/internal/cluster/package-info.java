/**
 * The seam between the provisioning engine and Proxmox VE: {@link io.pveq.core.internal.cluster.ProxmoxOps},
 * the operations the engine needs (create, configure, import, resize, power, migrate, destroy, status,
 * inventory, node status, storages, image placement, the guest agent), with one implementation per dialect:
 * {@link io.pveq.core.internal.cluster.CliOps} runs {@code qm}/{@code pvesh} through each node's
 * {@link io.pveq.core.transport.CommandTransport}; the REST API one lives in {@code pveq-api}. Both answer in
 * the records of {@link io.pveq.core.internal.pve} and throw the same pveq exceptions, so the engine is
 * written once. Internal: no compatibility promise.
 */
package io.pveq.core.internal.cluster;
