/**
 * A simulated Proxmox VE cluster for tests and demos: {@link io.pveq.sim.SimulatedCluster} and the
 * values it is configured with, its in-process transports, simulated guests and address probe, fault
 * injection, and {@link io.pveq.sim.SimImageMirror}. Public API: changes are announced and additive
 * where possible.
 */
package io.pveq.sim;
