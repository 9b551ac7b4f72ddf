package io.pveq.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * A loopback HTTP relay in front of the pveq server that drops the browser's SSE connection after a
 * given number of events, so the browser's own {@code EventSource} reconnects. The relay changes
 * nothing in between: it forwards the request path, {@code Origin} and {@code Last-Event-ID} (with {@code Accept: text/event-stream}), returns
 * the server's status and headers (hop-by-hop ones aside: it answers with {@code Connection: close}
 * and no length) and the body lines byte for byte, and stops after the cut's last event. It records the
 * {@code Last-Event-ID} header of every connection. One connection at a time is enough for a browser tab.
 */
final class CuttingSseRelay implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "transfer-encoding", "content-length", "keep-alive");

    /** What one browser connection asked for. */
    record Attempt(String path, Optional<String> lastEventId, Optional<String> origin) {
    }

    private final ServerSocket socket;
    private final int upstreamPort;
    private final List<Integer> cuts;
    private final IntConsumer onCut;
    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    /**
     * @param upstreamPort the pveq server's port on 127.0.0.1
     * @param cuts         connection i (from 0) is dropped after {@code cuts.get(i)} events; later ones pass all
     * @param onCut        told the connection index just before each cut
     */
    CuttingSseRelay(int upstreamPort, List<Integer> cuts, IntConsumer onCut) throws IOException {
        this.socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.upstreamPort = upstreamPort;
        this.cuts = List.copyOf(cuts);
        this.onCut = onCut;
        this.acceptor = new Thread(this::acceptLoop, "sse-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** @return the connections so far, in order */
    List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread t = new Thread(() -> serve(client), "sse-relay-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(20_000);
            InputStream in = new BufferedInputStream(client.getInputStream());
            String requestLine = line(in);
            Map<String, String> headers = new LinkedHashMap<>();
            String h;
            while (!(h = line(in)).isEmpty()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
            String path = requestLine.split(" ")[1];
            Attempt attempt = new Attempt(path, Optional.ofNullable(headers.get("last-event-id")),
                    Optional.ofNullable(headers.get("origin")));
            int index;
            synchronized (attempts) {
                index = attempts.size();
                attempts.add(attempt);
            }
            List<String> forward = new ArrayList<>();
            attempt.origin().ifPresent(o -> forward.add("Origin: " + o));
            attempt.lastEventId().ifPresent(id -> forward.add("Last-Event-ID: " + id));
            forward.add("Accept: text/event-stream");
            try (RawHttp up = RawHttp.send(null, upstreamPort, "GET", path, null, forward.toArray(String[]::new))) {
                OutputStream out = client.getOutputStream();
                StringBuilder head = new StringBuilder("HTTP/1.1 " + up.status + " relayed\r\n");
                up.headers.forEach((k, v) -> {
                    if (!HOP_BY_HOP.contains(k)) {
                        head.append(k).append(": ").append(v).append("\r\n");
                    }
                });
                head.append("connection: close\r\n\r\n");
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                int cutAfter = index < cuts.size() ? cuts.get(index) : Integer.MAX_VALUE;
                int events = 0;
                boolean inEvent = false;
                String line;
                while ((line = up.line()) != null) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    if (line.startsWith("data:")) {
                        inEvent = true;
                    } else if (line.isEmpty() && inEvent) {
                        inEvent = false;
                        events++;
                        if (events == cutAfter) {
                            out.flush();
                            onCut.accept(index);
                            return; // closes both sockets: the browser sees the stream end
                        }
                    }
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the browser or the server went away: nothing to relay any more
        }
    }

    private static String line(InputStream in) throws IOException {
        return RawHttp.readLine(in, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
