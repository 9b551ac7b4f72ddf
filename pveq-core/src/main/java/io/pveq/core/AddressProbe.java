package io.pveq.core;

import java.net.InetAddress;
import java.time.Duration;

/**
 * Tells whether an IP address is already in use on the network, so the allocator never hands out
 * an address some machine outside Proxmox's knowledge already holds. The default implementation
 * sends an ICMP echo and tries a TCP connection in parallel: any answer, including a refused
 * connection, means present; silence until the timeout means free. The simulator supplies its own
 * for its simulated network, so tests never send a packet.
 *
 * <p>Implementations are thread-safe and never throw for an unreachable address (that is "free").
 */
@FunctionalInterface
public interface AddressProbe {

    /** A probe that reports every address free: for networks where probing is not wanted. */
    AddressProbe NEVER_IN_USE = (address, timeout) -> false;

    /**
     * The default probe for real networks: an ICMP echo (or the JVM's TCP echo fallback when it may not
     * send ICMP) and TCP connects to ports 22 and 80, in parallel; a refused connection counts as
     * present. Shared, on its own daemon threads.
     *
     * @return the network probe
     */
    static AddressProbe network() {
        return io.pveq.core.internal.engine.NetworkAddressProbe.shared();
    }

    /**
     * @param address the candidate address
     * @param timeout how long to wait for any sign of life
     * @return true when something answered at {@code address}
     */
    boolean inUse(InetAddress address, Duration timeout);
}
