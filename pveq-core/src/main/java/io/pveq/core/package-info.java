/**
 * pveq's public API: the {@link io.pveq.core.VmProvisioner} entry point and its roles
 * ({@link io.pveq.core.VmInstaller}, {@link io.pveq.core.VmPowerControl},
 * {@link io.pveq.core.VmResources}, {@link io.pveq.core.ClusterInventory},
 * {@link io.pveq.core.Operations}), the services behind it ({@link io.pveq.core.NodeRouter},
 * {@link io.pveq.core.IpAllocator}, {@link io.pveq.core.CpuArchDetector},
 * {@link io.pveq.core.AddressProbe}), validated value records, settings and the exception
 * hierarchy rooted at {@link io.pveq.core.PveqException}. Public signatures use JDK types and
 * pveq types only.
 *
 * <p>Stability: stable from 1.0; until then (0.x) it may change between minor versions, with the
 * changes named in the release notes. Progress events live in {@link io.pveq.core.event}; the
 * service-provider interfaces in {@code transport}, {@code guest} and {@code image}; everything
 * under {@code internal} carries no compatibility promise.
 */
package io.pveq.core;
