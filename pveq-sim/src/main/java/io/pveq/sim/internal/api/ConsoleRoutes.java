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
 * certificate for VNC) and starts the proxy task, which waits 10 s for its websocket. The terminal
 * proxies' websockets ({@code GET .../vncwebsocket} of a container, a VM and a node) are served by
 * {@link TermProxy}; a VNC proxy's websocket is not (no RFB server is simulated: it closes with 1011
 * after the upgrade). A {@code vncticket} that is not the port's, is another user's or for another path or is older than 40 s is
 * {@code 401 permission denied - invalid PVEVNC ticket}, as {@code PVE::Ticket} answers.
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
        websocket(routes, CT + "/vncwebsocket");
        websocket(routes, "/nodes/{node}/qemu/{vmid}/vncwebsocket");
        websocket(routes, "/nodes/{node}/vncwebsocket");
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

    private static void websocket(ApiRoutes routes, String template) {
        routes.get(template)
                .rule("port", Rule.integer(5900L, 5999L))
                .rule("vncticket", Rule.string(0))
                .handle(call -> {
                    String path = template.contains("{vmid}") ? "/vms/" + call.param("vmid") : "/nodes/" + call.node();
                    TermProxy.Proxy proxy = call.context().proxies().claim(Integer.parseInt(call.param("port")),
                            call.param("vncticket"), call.authid(), path, call.engine().time().nowMillis())
                            .orElseThrow(() -> ApiException.unauthorized("permission denied - invalid PVEVNC ticket"));
                    return new TermProxy.WebSocketAnswer(call.context(), proxy);
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
        boolean guest = !id.isEmpty();
        call.context().proxies().started(new TermProxy.Proxy(port, ticket, call.authid(), call.node(),
                guest ? "/vms/" + id : "/nodes/" + call.node(), guest ? "VM.Console" : "Sys.Console",
                guest ? Integer.parseInt(id) : 0, !vnc && !call.endpoint().template().endsWith("/vncproxy"),
                call.engine().time().nowMillis()));
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
