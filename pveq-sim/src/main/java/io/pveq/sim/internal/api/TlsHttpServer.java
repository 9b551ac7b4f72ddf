package io.pveq.sim.internal.api;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A small HTTPS/1.1 server: one thread per connection (blocking TLS sockets), keep-alive, request
 * bodies with a length or chunked, {@code Expect: 100-continue}. Written for the simulator because
 * it must do what Proxmox's {@code pveproxy} does and the JDK's {@code HttpsServer} cannot: send the
 * error text in the status line ({@code 500 unable to create VM 101 - ...}), close the connection
 * after an error, and drop a connection without any answer (an injected fault). Thread-safe.
 */
final class TlsHttpServer implements AutoCloseable {

    /** Answers one request. May read {@link Request#body()}; must not close it. */
    interface Handler {
        Response handle(Request request) throws IOException;
    }

    /** One request: method, decoded path, raw query, headers (lower-case names), body and peer. */
    record Request(String method, String path, String query, Map<String, String> headers, InputStream body,
                   InetAddress peer) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * An answer: status, reason phrase, headers and body; or {@link #drop()}, closing the connection
     * without answering.
     */
    static final class Response {
        final int status;
        final String reason;
        final Map<String, String> headers = new LinkedHashMap<>();
        final byte[] body;
        final boolean drop;

        Response(int status, String reason, byte[] body) {
            this.status = status;
            this.reason = reason;
            this.body = body == null ? new byte[0] : body;
            this.drop = false;
        }

        private Response() {
            this.status = 0;
            this.reason = "";
            this.body = new byte[0];
            this.drop = true;
        }

        static Response drop() {
            return new Response();
        }

        Response header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    private static final int MAX_HEAD = 64 * 1024;
    private static final int IDLE_MILLIS = 30_000;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
            Locale.ROOT);

    private final SSLServerSocket server;
    private final Handler handler;
    private final java.time.Clock clock;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    /** @param clock the clock of the {@code Date} header: the cluster's (a node's one clock) */
    TlsHttpServer(InetSocketAddress bind, SSLContext tls, Handler handler, java.time.Clock clock) {
        this.handler = handler;
        this.clock = clock;
        try {
            this.server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
            server.setReuseAddress(true);
            server.bind(bind, 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bind + ": " + e.getMessage(), e);
        }
        AtomicInteger ids = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "pveq-sim-api-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.acceptor = new Thread(this::acceptLoop, "pveq-sim-api-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return the bound address */
    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            open.add(socket);
            try {
                connections.execute(() -> serve(socket));
            } catch (RuntimeException e) {
                closeQuietly(socket);
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(IDLE_MILLIS);
            ((SSLSocket) socket).startHandshake();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
            while (!closed) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                if (!exchange(head, in, out, socket.getInetAddress())) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, the handshake failed or the request was malformed: nothing to answer
        } finally {
            open.remove(socket);
        }
    }

    /** @return true to keep the connection open */
    private boolean exchange(String head, InputStream in, OutputStream out, InetAddress peer) throws IOException {
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            write(out, new Response(400, "Bad Request", null), false);
            return false;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).strip();
                headers.merge(name, value, (a, b) -> name.equals("cookie") ? a + "; " + b : a + ", " + b);
            }
        }
        boolean http10 = requestLine[2].equals("HTTP/1.0");
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        boolean keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
        InputStream body;
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            body = new BodyStreams.Chunked(in);
        } else {
            long length;
            try {
                length = Long.parseLong(headers.getOrDefault("content-length", "0").strip());
            } catch (NumberFormatException e) {
                write(out, new Response(400, "Bad Request", null), false);
                return false;
            }
            body = new BodyStreams.Bounded(in, length);
        }
        if ("100-continue".equalsIgnoreCase(headers.get("expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        String target = requestLine[1];
        int question = target.indexOf('?');
        String rawPath = question >= 0 ? target.substring(0, question) : target;
        String query = question >= 0 ? target.substring(question + 1) : "";
        String path = java.net.URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        Response response;
        try {
            response = handler.handle(new Request(requestLine[0].toUpperCase(Locale.ROOT), path, query, headers, body,
                    peer));
        } catch (RuntimeException e) {
            response = new Response(500, "internal error in pveq-sim: " + e, null);
        }
        if (response.drop) {
            return false;
        }
        // the rest of an unread body is skipped so that the next request on this connection parses
        body.transferTo(OutputStream.nullOutputStream());
        boolean keep = keepAlive && !"close".equalsIgnoreCase(response.headers.get("Connection"));
        write(out, response, keep);
        return keep;
    }

    private void write(OutputStream out, Response response, boolean keepAlive) throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append("HTTP/1.1 ").append(response.status).append(' ').append(reason(response.reason)).append("\r\n");
        head.append("Date: ").append(HTTP_DATE.format(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)))
                .append("\r\n");
        for (Map.Entry<String, String> header : response.headers.entrySet()) {
            if (!header.getKey().equalsIgnoreCase("Connection")) {
                head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
            }
        }
        head.append("Content-Length: ").append(response.body.length).append("\r\n");
        head.append("Connection: ").append(keepAlive ? "Keep-Alive" : "close").append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(response.body);
        out.flush();
    }

    /** The first line of a reason, without control characters and in Latin-1 (what a status line can carry). */
    static String reason(String text) {
        String line = text == null ? "" : text.strip();
        int newline = line.indexOf('\n');
        if (newline >= 0) {
            line = line.substring(0, newline).strip();
        }
        StringBuilder out = new StringBuilder(line.length());
        for (char c : line.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f || c > 0xff ? '?' : c);
        }
        return out.toString();
    }

    /** @return the request head (request line and headers, without the blank line), or null at end of stream */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int state = 0;
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException | SocketException e) {
                return null;
            }
            if (b < 0) {
                return null;
            }
            if (head.size() == 0 && (b == '\r' || b == '\n')) {
                continue;
            }
            head.write(b);
            state = switch (state) {
                case 0 -> b == '\r' ? 1 : 0;
                case 1 -> b == '\n' ? 2 : 0;
                case 2 -> b == '\r' ? 3 : 0;
                case 3 -> b == '\n' ? 4 : 0;
                default -> 0;
            };
            if (state == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head too large");
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        connections.shutdownNow();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
