package io.pveq.sim.internal.qemu;

import java.util.Map;
import java.util.Optional;

/**
 * The network a real guest's NIC sits on: QEMU's user-mode network (always {@code restrict=on}, so
 * nothing reaches outside this machine) standing in for the node's bridge.
 *
 * <p>A static {@code ipconfigN} address is handed to the guest as configured, with one exception: no
 * guest kernel can hold a loopback address on a NIC (the {@code 127.0.0.0/8} local route and the
 * martian filter drop it), so a loopback address, as tests use, enters the guest as the same address
 * in {@code 10.0.0.0/8} ({@code 127.0.10.101/24} becomes {@code 10.0.10.101/24}, its gateway
 * {@code 10.0.10.1}); the guest's SSH port is then forwarded from the loopback address itself
 * ({@code 127.0.10.101:22} on this machine). The gateway address answers on port 80 with the local
 * package repository (a guest forward); QEMU's own host and DNS addresses sit at the top of the subnet.
 *
 * @param hostAddress   where the guest's SSH is forwarded from on this machine (a loopback address), if any
 * @param guestAddress  the guest's IPv4 address inside the user network, if static
 * @param prefix        its prefix length
 * @param gateway       the gateway inside the user network, if any
 * @param network       the user network's address
 */
public record GuestLan(Optional<String> hostAddress, Optional<String> guestAddress, int prefix,
                       Optional<String> gateway, String network) {

    /** QEMU's default user network, for guests without a static address. */
    static final GuestLan DEFAULT = new GuestLan(Optional.empty(), Optional.empty(), 24, Optional.empty(), "10.0.2.0");

    /**
     * @param ipconfig the {@code ipconfigN} property string, parsed ({@code ip}, {@code gw}, ...); may be empty
     * @return the network for that NIC
     */
    public static GuestLan of(Map<String, String> ipconfig) {
        String ip = ipconfig.get("ip");
        if (ip == null || !ip.contains("/")) {
            return DEFAULT;
        }
        String address = ip.substring(0, ip.indexOf('/'));
        int prefix = Integer.parseInt(ip.substring(ip.indexOf('/') + 1));
        if (prefix < 8 || prefix > 29) {
            return DEFAULT;
        }
        boolean loopback = address.startsWith("127.");
        String inside = translate(address);
        Optional<String> gateway = Optional.ofNullable(ipconfig.get("gw")).map(GuestLan::translate);
        long net = toLong(inside) & mask(prefix);
        return new GuestLan(loopback ? Optional.of(address) : Optional.empty(), Optional.of(inside), prefix, gateway,
                toText(net));
    }

    /** @return {@code address} as the guest holds it: loopback addresses move to {@code 10.0.0.0/8} */
    public static String translate(String address) {
        return address.startsWith("127.") ? "10." + address.substring(4) : address;
    }

    /**
     * @param id         the netdev id ({@code net0})
     * @param repository the command serving the package repository for one connection, if any
     * @return QEMU's {@code -netdev} value: user mode, restricted, with the forwards
     */
    public String netdev(String id, Optional<String> repository) {
        StringBuilder out = new StringBuilder("user,id=").append(id).append(",restrict=on");
        if (guestAddress.isPresent()) {
            long base = toLong(network);
            long broadcast = base | ~mask(prefix) & 0xFFFFFFFFL;
            long guest = toLong(guestAddress.get());
            long gw = gateway.map(GuestLan::toLong).orElse(-1L);
            long host = pick(broadcast - 1, guest, gw, -1);
            long dns = pick(host - 1, guest, gw, host);
            out.append(",net=").append(network).append('/').append(prefix);
            out.append(",host=").append(toText(host)).append(",dns=").append(toText(dns));
            out.append(",dhcpstart=").append(guestAddress.get());
            hostAddress.ifPresent(h -> out.append(",hostfwd=tcp:").append(h).append(":22-")
                    .append(guestAddress.get()).append(":22"));
            if (repository.isPresent() && gateway.isPresent() && gw != guest && gw > base && gw < broadcast) {
                out.append(",guestfwd=tcp:").append(gateway.get()).append(":80-cmd:").append(repository.get());
            }
        }
        return out.toString();
    }

    private static long pick(long candidate, long... taken) {
        long at = candidate;
        while (contains(taken, at)) {
            at--;
        }
        return at;
    }

    private static boolean contains(long[] values, long value) {
        for (long v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    private static long mask(int prefix) {
        return 0xFFFFFFFFL << (32 - prefix) & 0xFFFFFFFFL;
    }

    static long toLong(String address) {
        String[] parts = address.split("\\.");
        long value = 0;
        for (String part : parts) {
            value = value << 8 | Integer.parseInt(part);
        }
        return value;
    }

    static String toText(long value) {
        return (value >> 24 & 255) + "." + (value >> 16 & 255) + "." + (value >> 8 & 255) + "." + (value & 255);
    }
}
