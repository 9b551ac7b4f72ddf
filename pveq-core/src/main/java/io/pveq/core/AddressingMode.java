package io.pveq.core;

/**
 * How new VMs get their IPv4 address. Either the reference's scheme, where the last octet of the
 * address equals the VMID ({@link VmidOctet}, the default), or an explicit pool of addresses
 * independent of VMIDs ({@link Pool}). Both live in the gateway's network
 * ({@link NetworkSettings}).
 */
public sealed interface AddressingMode permits AddressingMode.VmidOctet, AddressingMode.Pool {

    /** The default: VMIDs 100-254, address = gateway's /24 + VMID. */
    VmidOctet DEFAULT = new VmidOctet(100, 254);

    /** @return the range for people and for {@link IpPoolExhaustedException}, e.g. {@code VMID 100-254} */
    String describe();

    /**
     * Address = the gateway's first three octets + the VMID; VMIDs (and so last octets) run from
     * {@code first} to {@code last} .
     *
     * @param first lowest VMID / last octet, at least 100
     * @param last  highest VMID / last octet, at most 254, not below {@code first}
     */
    record VmidOctet(int first, int last) implements AddressingMode {

        /** @throws InvalidSpecException naming {@code ipRangeStart} or {@code ipRangeEnd} */
        public VmidOctet {
            if (first < 100 || first > 254) {
                throw new InvalidSpecException("ipRangeStart", "must be between 100 and 254 (VMIDs start at 100),"
                        + " got " + first);
            }
            if (last < first || last > 254) {
                throw new InvalidSpecException("ipRangeEnd", "must be between the range start (" + first
                        + ") and 254, got " + last);
            }
        }

        /** @return true when {@code vmId} lies in the range */
        public boolean contains(VmId vmId) {
            return vmId.value() >= first && vmId.value() <= last;
        }

        @Override
        public String describe() {
            return "VMID " + first + "-" + last;
        }
    }

    /**
     * Addresses {@code first} to {@code last} of the gateway's network, given out in order to VMIDs
     * of any value. pveq records each VM's address in a tag ({@code pveq-ip-A.B.C.D}); uniqueness is
     * guaranteed within one pveq process (several pveq servers on one cluster should use
     * {@link VmidOctet}, where the VMID claim guarantees it cluster-wide).
     *
     * @param first first address
     * @param last  last address, not below {@code first}
     */
    record Pool(Ipv4Address first, Ipv4Address last) implements AddressingMode {

        /** @throws InvalidSpecException naming {@code ipPool} when {@code last} is below {@code first} */
        public Pool {
            if (first == null || last == null || last.compareTo(first) < 0) {
                throw new InvalidSpecException("ipPool", "must be a range first-last with first <= last, got "
                        + first + "-" + last);
            }
        }

        /**
         * @param text {@code a.b.c.d-a.b.c.e}
         * @return the pool
         * @throws InvalidSpecException naming {@code ipPool} when malformed
         */
        public static Pool parse(String text) {
            int dash = text == null ? -1 : text.indexOf('-');
            if (dash < 0) {
                throw new InvalidSpecException("ipPool", "must be a range such as 192.168.0.50-192.168.0.99, got '"
                        + InvalidSpecException.shorten(text) + "'");
            }
            return new Pool(Ipv4Address.parse("ipPool", text.substring(0, dash).strip()),
                    Ipv4Address.parse("ipPool", text.substring(dash + 1).strip()));
        }

        /** @return true when {@code address} lies in the pool */
        public boolean contains(Ipv4Address address) {
            return address.compareTo(first) >= 0 && address.compareTo(last) <= 0;
        }

        /** @return the number of addresses in the pool */
        public long size() {
            return last.toUnsigned() - first.toUnsigned() + 1;
        }

        @Override
        public String describe() {
            return first + "-" + last;
        }
    }
}
