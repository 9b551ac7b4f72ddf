/**
 * The typed Proxmox VE layer: builds {@code qm}, {@code pvesh} and {@code pvesm} argv lists from
 * records, parses their outputs into records, classifies their errors into pveq exceptions, and runs
 * them on one node through a {@link io.pveq.core.transport.CommandTransport} ({@link
 * io.pveq.core.internal.pve.PveNode}). Every argv the builders can produce is checked in tests against
 * the real PVE 8 and 9 schema. Internal: no compatibility promise.
 */
package io.pveq.core.internal.pve;
