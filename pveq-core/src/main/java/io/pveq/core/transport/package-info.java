/**
 * The command transport service-provider interface: how pveq runs {@code qm}, {@code pvesh} and
 * {@code pvesm} on a node. Stable: implementations outside pveq may rely on it.
 */
package io.pveq.core.transport;
