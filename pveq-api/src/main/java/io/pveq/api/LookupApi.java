package io.pveq.api;

import java.util.List;
import java.util.Optional;

/**
 * Reverse lookup, as seed 004 maps a route to its guest: a VM or container by IP address, host name or
 * name/alias, and a node by host name or IP. Addresses come from each guest's agent or interfaces when it
 * runs and from its configuration otherwise ({@link GuestAgentApi#addresses}, {@link ContainerApi#addresses});
 * guests the caller may not inspect are passed over. Templates are never matched. Thread-safe; every
 * method blocks on the network, an address lookup with a request or two per guest.
 */
public interface LookupApi {

    /**
     * @param nameOrAlias a guest name, or a tag used as an alias (case-insensitive)
     * @return the guests so named or tagged, by VMID
     */
    List<GuestMatch> byName(String nameOrAlias);

    /**
     * @param address an IPv4 or IPv6 address
     * @return the guest that has it
     * @throws io.pveq.core.InvalidSpecException naming {@code ip} when it is no address
     */
    Optional<GuestMatch> byAddress(String address);

    /**
     * @param host a host name or FQDN (its first label is compared with guest names and container host names,
     *             then with what running VMs' agents report)
     * @return the guest of that host name
     * @throws io.pveq.core.InvalidSpecException naming {@code host} when it is no host name
     */
    Optional<GuestMatch> byHostName(String host);

    /**
     * @param hostOrAddress a node's name, FQDN or cluster address
     * @return the cluster member
     */
    Optional<ClusterMember> node(String hostOrAddress);
}
