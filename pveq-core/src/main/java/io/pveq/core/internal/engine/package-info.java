/**
 * The provisioning engine behind {@link io.pveq.core.VmProvisioner}: node routing, VMID/IP
 * allocation, CPU level detection, the install pipeline with its rollback journal, lifecycle
 * operations and the operations registry. Internal: no compatibility promise; use the public API.
 */
package io.pveq.core.internal.engine;
