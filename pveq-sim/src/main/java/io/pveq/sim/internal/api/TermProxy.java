package io.pveq.sim.internal.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proxmox's terminal proxy ({@code termproxy}) behind {@code GET .../vncwebsocket}, as its source shows it:
 * the websocket's first message carries {@code USER:TICKET\n}; the ticket is checked against the user, the
 * ACL path and the privilege of the {@code termproxy} call (what {@code termproxy} asks the API's
 * {@code /access/ticket} for); a bad one ends the proxy, and the connection closes without a word (no
 * close frame: {@code pveproxy} only sees its backend go away). A good one is answered {@code OK}, then
 * client messages are {@code 0:LEN:DATA} (input), {@code 1:COLS:ROWS:} (resize) and {@code 2} (ping,
 * ignored), and everything the terminal prints comes back as binary messages. The terminal is
 * {@link SimTerminal}. A ticket is good for one connection, for 40 s after it was issued (PVEVNC tickets'
 * lifetime; a real proxy stops listening after 10 s, this one keeps its port until the ticket is used or
 * its port is handed out again); the proxy's port must be the ticket's.
 */
final class TermProxy {

    /** How long a {@code PVEVNC} ticket is accepted after it was made ({@code verify_vnc_ticket}). */
    static final long TICKET_MILLIS = 40_000;

    private TermProxy() {
    }

    /**
     * A started console proxy waiting for its connection.
     *
     * @param aclPath   {@code /vms/{vmid}} or {@code /nodes/{node}}
     * @param privilege {@code VM.Console} or {@code Sys.Console}
     * @param vmid      the guest, 0 for a node shell
     * @param terminal  true for a terminal proxy, false for a VNC proxy (whose websocket ends at once)
     */
    record Proxy(int port, String ticket, String authid, String node, String aclPath, String privilege, int vmid,
                 boolean terminal, long issuedMillis) {
    }

    /** Proxies by port. Thread-safe. */
    static final class Proxies {
        private final Map<Integer, Proxy> byPort = new ConcurrentHashMap<>();

        void started(Proxy proxy) {
            byPort.put(proxy.port(), proxy);
        }

        /**
         * @return the proxy listening on the port that the ticket opens, claimed (one connection per proxy):
         *         the ticket must be the user's, for the path, and young enough
         */
        Optional<Proxy> claim(int port, String ticket, String authid, String aclPath, long nowMillis) {
            Proxy proxy = byPort.get(port);
            if (proxy == null || !proxy.ticket().equals(ticket) || !proxy.aclPath().equals(aclPath)
                    || !proxy.authid().equals(authid)
                    || nowMillis - proxy.issuedMillis() > TICKET_MILLIS || !byPort.remove(port, proxy)) {
                return Optional.empty();
            }
            return Optional.of(proxy);
        }
    }

    /**
     * What a {@code vncwebsocket} handler answers: a websocket upgrade when the request asks for one,
     * {@code {"port": "..."}} otherwise (what the API call itself returns).
     */
    record WebSocketAnswer(ApiContext context, Proxy proxy) {

        TlsHttpServer.Response answer(TlsHttpServer.Request request) {
            String upgrade = Optional.ofNullable(request.header("upgrade")).orElse("");
            String key = request.header("sec-websocket-key");
            if (!upgrade.toLowerCase(Locale.ROOT).contains("websocket") || key == null) {
                return Answers.ok(Map.of("port", Integer.toString(proxy.port())));
            }
            TlsHttpServer.Response response = TlsHttpServer.Response.switching("websocket",
                    (in, out) -> serve(context, proxy, in, out));
            response.header("Sec-WebSocket-Accept", WebSocketFrames.accept(key));
            String protocols = Optional.ofNullable(request.header("sec-websocket-protocol")).orElse("");
            if (List.of(protocols.split("\\s*,\\s*")).contains("binary")) {
                response.header("Sec-WebSocket-Protocol", "binary");
            }
            return response;
        }
    }

    private static void serve(ApiContext context, Proxy proxy, InputStream in, OutputStream out) throws IOException {
        WebSocketFrames frames = new WebSocketFrames(in, out);
        if (!proxy.terminal()) {
            frames.close(1011);
            return;
        }
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        Optional<String> authLine = Optional.empty();
        while (authLine.isEmpty()) {
            Optional<WebSocketFrames.Message> message = frames.read();
            if (message.isEmpty()) {
                return;
            }
            pending.write(message.get().payload());
            String text = pending.toString(StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            if (newline >= 0) {
                authLine = Optional.of(text.substring(0, newline));
                pending.reset();
                pending.write(text.substring(newline + 1).getBytes(StandardCharsets.UTF_8));
            } else if (pending.size() > 4096) {
                return;
            }
        }
        if (!authenticated(context, proxy, authLine.get())) {
            // termproxy exits ("authentication request failed"): the connection just ends
            return;
        }
        frames.binary("OK".getBytes(StandardCharsets.US_ASCII));
        SimTerminal terminal = new SimTerminal(SimTerminal.Host.of(context, proxy), frames);
        try {
            terminal.start();
            terminal.input(pending.toByteArray());
            InputQueue queue = new InputQueue();
            while (!terminal.ended()) {
                Optional<WebSocketFrames.Message> message = frames.read();
                if (message.isEmpty()) {
                    return;
                }
                queue.add(message.get().payload());
                for (byte[] data = queue.next(); data != null; data = queue.next()) {
                    terminal.input(data);
                }
            }
        } finally {
            terminal.stop();
        }
    }

    private static boolean authenticated(ApiContext context, Proxy proxy, String line) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        String user = line.substring(0, colon);
        String ticket = line.substring(colon + 1);
        long age = context.engine().time().nowMillis() - proxy.issuedMillis();
        if (!user.equals(proxy.authid()) || !ticket.equals(proxy.ticket()) || age > TICKET_MILLIS) {
            return false;
        }
        return context.engine().store().read(state -> context.access().has(state.access, user, proxy.aclPath(),
                List.of(proxy.privilege()), false));
    }

    /**
     * The client's message stream, parsed as {@code termproxy} parses it: {@code 0:LEN:} followed by LEN
     * bytes of input, {@code 1:COLS:ROWS:} a resize (a simulated terminal has no size to change),
     * anything else (the ping {@code 2}) skipped a byte at a time.
     */
    static final class InputQueue {
        private byte[] buffer = new byte[0];

        void add(byte[] data) {
            byte[] joined = new byte[buffer.length + data.length];
            System.arraycopy(buffer, 0, joined, 0, buffer.length);
            System.arraycopy(data, 0, joined, buffer.length, data.length);
            buffer = joined;
        }

        /** @return the next complete input, or null when what is buffered is not one yet */
        byte[] next() {
            while (buffer.length >= 1) {
                byte type = buffer[0];
                if (type == '0' || type == '1') {
                    if (buffer.length < 2) {
                        return null;
                    }
                    int first = indexOf(':', 2);
                    if (first < 0) {
                        return null;
                    }
                    if (type == '1') {
                        int second = indexOf(':', first + 1);
                        if (second < 0) {
                            return null;
                        }
                        consume(second + 1);
                        continue;
                    }
                    int length;
                    try {
                        length = Integer.parseInt(new String(buffer, 2, first - 2, StandardCharsets.US_ASCII));
                    } catch (NumberFormatException e) {
                        consume(first + 1);
                        continue;
                    }
                    if (buffer.length < first + 1 + length) {
                        return null;
                    }
                    byte[] data = java.util.Arrays.copyOfRange(buffer, first + 1, first + 1 + length);
                    consume(first + 1 + length);
                    return data;
                }
                consume(1);
            }
            return null;
        }

        private int indexOf(char c, int from) {
            for (int i = from; i < buffer.length; i++) {
                if (buffer[i] == c) {
                    return i;
                }
            }
            return -1;
        }

        private void consume(int n) {
            buffer = java.util.Arrays.copyOfRange(buffer, n, buffer.length);
        }
    }
}
