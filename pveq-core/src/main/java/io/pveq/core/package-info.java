/**
 * pveq's public API: the {@link io.pveq.core.VmProvisioner} entry point (built with
 * {@link io.pveq.core.VmProvisioner#builder()}) and its roles ({@link io.pveq.core.VmInstaller},
 * {@link io.pveq.core.VmPowerControl}, {@link io.pveq.core.VmResources},
 * {@link io.pveq.core.ClusterInventory}, {@link io.pveq.core.Operations}); how a provisioner reaches a
 * cluster ({@link io.pveq.core.ClusterConnection}: {@link io.pveq.core.CommandLineCluster} here, for
 * {@code qm}/{@code pvesh} run locally or over SSH; {@code pveq-api}'s {@code ProxmoxApi} for the REST API
 * with a token); what it reports ({@link io.pveq.core.ProxmoxListener}); validated value records, typed
 * settings and the exception hierarchy rooted at {@link io.pveq.core.PveqException}. Public signatures use
 * JDK types and pveq types only.
 *
 * <p>The shape behind it: the engine (allocation, CPU level, install pipeline, lifecycle, listing,
 * rollback) is written once against {@code io.pveq.core.internal.cluster.ProxmoxOps}, an internal
 * interface of Proxmox operations with one implementation per dialect (the CLI one in core, the REST one
 * in {@code pveq-api}); a {@link io.pveq.core.ClusterConnection} opens one. {@code CommandTransport} stays
 * the SPI for command runners (local process, SSH, the simulator's).
 *
 * <p>Stability: stable from 1.0; until then (0.x) it may change between minor versions, with the
 * changes named in the release notes. Progress events live in {@link io.pveq.core.event}; the
 * service-provider interfaces in {@code transport}, {@code guest} and {@code image}; everything
 * under {@code internal} carries no compatibility promise.
 */
package io.pveq.core;
