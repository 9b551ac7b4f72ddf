package io.pveq.api.internal;

import io.pveq.api.GuestRef;
import io.pveq.core.NodeName;
import io.pveq.core.VmId;

/** The path segments of a guest's endpoints: {@code nodes/{node}/qemu|lxc/{vmid}/...}. Stateless. */
final class GuestPaths {

    private GuestPaths() {
    }

    static String[] of(GuestRef guest, String... rest) {
        return of(guest.node(), guest.pathKind(), guest.vmId(), rest);
    }

    static String[] container(NodeName node, VmId vmId, String... rest) {
        return of(node, "lxc", vmId, rest);
    }

    static String[] of(NodeName node, String kind, VmId vmId, String... rest) {
        String[] segments = new String[4 + rest.length];
        segments[0] = "nodes";
        segments[1] = node.value();
        segments[2] = kind;
        segments[3] = vmId.toString();
        System.arraycopy(rest, 0, segments, 4, rest.length);
        return segments;
    }
}
