package io.pveq.core.internal.engine;

import io.pveq.core.InvalidSpecException;
import io.pveq.core.IpPoolExhaustedException;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Ipv4Cidr;
import io.pveq.core.NetworkSettings;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.ClusterUnavailableException;

import java.util.Objects;
import java.util.Optional;

/**
 * Chooses VMID/IP pairs for new VMs without ever handing one pair out twice, even to concurrent
 * installs and to several pveq servers sharing a cluster. There is no lock service: the claim is
 * the create itself. The allocator {@linkplain #reserve proposes} a candidate that fresh cluster
 * state shows free (every qemu AND lxc id counts as taken), that no other reservation in this
 * process holds, and whose address does not answer on the network ({@link AddressProbe}, short
 * timeout, probed in parallel). {@code qm create} with that VMID then either wins, cluster-wide,
 * or fails with "already exists" ({@link VmExistsException}); on failure the caller moves to the
 * next candidate with {@link Lease#next}. {@link #claim} runs that loop.
 *
 * <p>Addresses follow {@link NetworkSettings#addressing()}: in VMID addressing the address is
 * the gateway's /24 plus the VMID, so winning the VMID wins the address; in pool addressing the
 * address is recorded in a tag at create time ({@link VmTags#ipTag}).
 *
 * <p>Thread-safe. {@link #reserve} blocks for one cluster-state read and the probes.
 */
interface IpAllocator {

    /** Longest run of "already exists" answers {@link #claim} sits through before giving up. */
    int MAX_CLAIM_ATTEMPTS = 64;

    /** @return the network settings the allocator serves */
    NetworkSettings network();

    /**
     * Reserves a candidate pair in this process.
     *
     * @param requested a VMID the caller asked for, or empty to let the allocator choose
     * @return the reservation; close it when done
     * @throws InvalidSpecException        naming {@code id} when {@code requested} lies outside the addressing range
     * @throws VmExistsException           when {@code requested} is taken (by a VM or container) or reserved
     * @throws IpPoolExhaustedException    when no free pair is left (message: the range)
     * @throws ClusterUnavailableException when cluster state cannot be read
     */
    Lease reserve(Optional<VmId> requested);

    /**
     * Runs the claim protocol: reserve, attempt the create, and on {@link VmExistsException} move to
     * the next candidate (a requested id is never swapped for another: its exception propagates).
     * Any other exception from {@code create} propagates after the reservation is released.
     *
     * @param requested a VMID the caller asked for, or empty
     * @param create    performs the create for one candidate ({@code qm create}); throws
     *                  {@link VmExistsException} when Proxmox says the id is taken
     * @return the pair that won, now held by the created VM
     * @throws IpPoolExhaustedException when candidates run out or {@link #MAX_CLAIM_ATTEMPTS} creates lost
     */
    default Allocation claim(Optional<VmId> requested, CreateAttempt create) {
        Objects.requireNonNull(create, "create");
        Lease lease = reserve(requested);
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    create.create(lease.vmId(), lease.address());
                    lease.markClaimed();
                    return new Allocation(lease.vmId(), lease.address(), network().gateway(), attempt);
                } catch (VmExistsException taken) {
                    if (requested.isPresent()) {
                        throw taken;
                    }
                    if (attempt >= MAX_CLAIM_ATTEMPTS) {
                        throw new IpPoolExhaustedException(network().addressing().describe() + " (" + attempt
                                + " candidates in a row were taken by others)");
                    }
                    lease = lease.next(taken);
                }
            }
        } finally {
            lease.close();
        }
    }

    /** One create attempt for a candidate pair. */
    @FunctionalInterface
    interface CreateAttempt {
        /**
         * @param vmId    the candidate VMID
         * @param address the candidate address with prefix length, for cloud-init's {@code ipconfig0}
         * @throws VmExistsException when Proxmox answers that the VMID already exists
         */
        void create(VmId vmId, Ipv4Cidr address);
    }

    /**
     * A VMID/IP pair held for one install. Until {@link #markClaimed} the pair is only reserved in
     * this process; {@link #close()} then frees it. After {@link #markClaimed} the created VM holds
     * it in the cluster, and {@link #close()} merely ends the local bookkeeping (in pool addressing
     * the address stays reserved locally until cluster state shows the VM's tag). Not for use by
     * several threads at once.
     */
    interface Lease extends AutoCloseable {

        /** @return the candidate VMID */
        VmId vmId();

        /** @return the candidate address with the network's prefix length */
        Ipv4Cidr address();

        /** Records that the create with this pair succeeded. */
        void markClaimed();

        /**
         * The create lost: remembers the VMID as taken, releases this lease and reserves the next
         * candidate.
         *
         * @param taken the create's failure
         * @return the next candidate's lease
         * @throws IpPoolExhaustedException when no candidate is left (this lease is released anyway)
         */
        Lease next(VmExistsException taken);

        /** Releases the reservation (see the class comment). Idempotent; never throws. */
        @Override
        void close();
    }

    /**
     * The outcome of {@link #claim}.
     *
     * @param vmId     the VMID won
     * @param address  the VM's address with prefix length
     * @param gateway  the gateway for cloud-init's {@code ipconfig0}
     * @param attempts how many creates it took (1 without contention)
     */
    record Allocation(VmId vmId, Ipv4Cidr address, Ipv4Address gateway, int attempts) {

        /** Validates. */
        public Allocation {
            Objects.requireNonNull(vmId, "vmId");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(gateway, "gateway");
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
        }
    }
}
