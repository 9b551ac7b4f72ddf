package io.pveq.sim.internal.api;

import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.params.Rule;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Console tickets beside the VM's ({@link GuestRoutes}): a container's {@code vncproxy} and
 * {@code termproxy}, a node's {@code termproxy} and {@code vncshell} ({@code Sys.Console} on the node).
 * Each answers what Proxmox answers (port, {@code PVEVNC:} ticket, the worker's UPID, user; the node
 * certificate for VNC) and starts the proxy task, which waits 10 s for a websocket that this simulator
 * never serves ({@code vncwebsocket} answers 501).
 */
final class ConsoleRoutes {

    private static final String CT = "/nodes/{node}/lxc/{vmid}";

    private ConsoleRoutes() {
    }

    static void register(ApiRoutes routes) {
        routes.post(CT + "/vncproxy")
                .rule("websocket", Rule.bool())
                .rule("width", Rule.integer(16L, 4096L))
                .rule("height", Rule.integer(16L, 2160L))
                .task()
                .handle(call -> {
                    call.read(state -> LxcRoutes.container(state, call));
                    return ticket(call, "vncproxy", call.param("vmid"), true, false);
                });
        routes.post(CT + "/termproxy").task().handle(call -> {
            call.read(state -> LxcRoutes.container(state, call));
            return ticket(call, "vncproxy", call.param("vmid"), false, false);
        });
        routes.post("/nodes/{node}/termproxy")
                .rule("cmd", Rule.oneOf("ceph_install", "login", "upgrade"))
                .rule("cmd-opts", Rule.string(0))
                .task()
                .handle(call -> {
                    call.read(state -> Engine.node(state, call.node()));
                    return ticket(call, "vncshell", "", false, false);
                });
        routes.post("/nodes/{node}/vncshell")
                .rule("cmd", Rule.oneOf("ceph_install", "login", "upgrade"))
                .rule("cmd-opts", Rule.string(0))
                .rule("websocket", Rule.bool())
                .rule("width", Rule.integer(16L, 4096L))
                .rule("height", Rule.integer(16L, 2160L))
                .task()
                .handle(call -> {
                    call.read(state -> Engine.node(state, call.node()));
                    return ticket(call, "vncshell", "", true, false);
                });
    }

    /** Starts a console proxy task and answers its ticket. */
    static Map<String, Object> ticket(ApiCall call, String taskType, String id, boolean vnc, boolean password) {
        int port = GuestRoutes.nextConsolePort(call);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String ticket = "PVEVNC:" + String.format(Locale.ROOT, "%08X", call.engine().time().nowMillis() / 1000) + "::"
                + Base64.getEncoder().encodeToString(random);
        String upid = call.task(taskType, id, exec -> {
            exec.out("listening on port " + port);
            exec.pause(Duration.ofSeconds(10));
            exec.out("connection timed out");
        });
        Map<String, Object> out = new TreeMap<>();
        out.put("port", port);
        out.put("ticket", ticket);
        out.put("upid", upid);
        out.put("user", call.authid());
        if (vnc) {
            String cert = call.read(state -> Optional.ofNullable(state.access.pki.nodes.get(call.node()))
                    .map(c -> c.certificate).orElse(""));
            out.put("cert", cert);
            if (password) {
                out.put("password", HexFormat.of().formatHex(random, 0, 4).toUpperCase(Locale.ROOT)
                        .replace('0', 'A').substring(0, 8));
            }
        }
        return out;
    }
}
