package io.pveq.sim.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Serves {@link MirrorContent}: GET, HEAD, single byte ranges. */
public final class MirrorHandler implements HttpHandler {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final MirrorContent content;
    private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
    private volatile boolean corrupt;
    private final Map<String, int[]> failures = new ConcurrentHashMap<>();
    /** Real files published in place of generated content (built guest images), by path. */
    private final Map<String, java.nio.file.Path> files = new ConcurrentHashMap<>();

    /** Serves {@code file} at {@code path} (a real image and its checksum file), replacing generated content. */
    public void publish(String path, java.nio.file.Path file) {
        files.put(path, file);
    }

    /** The next {@code times} GET/HEAD requests for {@code path} answer {@code status} with no body. */
    public void failNext(String path, int status, int times) {
        failures.put(path.startsWith("/") ? path.substring(1) : path, new int[] {status, times});
    }

    public MirrorHandler(MirrorContent content) {
        this.content = content;
    }

    public void corrupt(boolean value) {
        this.corrupt = value;
    }

    public int getCount(String path) {
        AtomicInteger count = gets.get(path.startsWith("/") ? path.substring(1) : path);
        return count == null ? 0 : count.get();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath().replaceFirst("^/+", "");
            Optional<byte[]> file = content.file(path);
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            int[] failure = failures.get(path);
            if (failure != null) {
                synchronized (failure) {
                    if (failure[1] > 0) {
                        failure[1]--;
                        exchange.sendResponseHeaders(failure[0], -1);
                        return;
                    }
                }
            }
            java.nio.file.Path real = files.get(path);
            if (real != null) {
                if (method.equals("GET")) {
                    gets.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
                }
                serveFile(exchange, method, real);
                return;
            }
            if (file.isEmpty()) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = file.get();
            if (corrupt && !path.endsWith("SUMS") && !path.endsWith("CHECKSUM")) {
                bytes = bytes.clone();
                bytes[bytes.length - 1] ^= 1;
            }
            if (method.equals("GET")) {
                gets.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            }
            exchange.getResponseHeaders().set("Content-Type", path.endsWith("SUMS") || path.endsWith("CHECKSUM")
                    ? "text/plain" : "application/octet-stream");
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
            exchange.getResponseHeaders().set("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT");
            exchange.getResponseHeaders().set("ETag", "\"" + MirrorContent.hex("SHA-256", file.get()).substring(0, 16)
                    + "\"");
            int from = 0;
            int to = bytes.length - 1;
            int status = 200;
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (range != null) {
                Matcher m = RANGE.matcher(range.trim());
                if (m.matches()) {
                    from = (int) Math.min(Long.parseLong(m.group(1)), Integer.MAX_VALUE);
                    if (!m.group(2).isEmpty()) {
                        to = (int) Math.min(Long.parseLong(m.group(2)), bytes.length - 1L);
                    }
                    if (from >= bytes.length || from > to) {
                        exchange.getResponseHeaders().set("Content-Range", "bytes */" + bytes.length);
                        exchange.sendResponseHeaders(416, -1);
                        return;
                    }
                    status = 206;
                    exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + bytes.length);
                }
            }
            int length = to - from + 1;
            if (method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(length));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes, from, length);
            }
        }
    }

    private static void serveFile(HttpExchange exchange, String method, java.nio.file.Path file) throws IOException {
        long size = java.nio.file.Files.size(file);
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        exchange.getResponseHeaders().set("ETag", "\"" + Long.toHexString(size) + "-"
                + Long.toHexString(java.nio.file.Files.getLastModifiedTime(file).toMillis()) + "\"");
        long from = 0;
        long to = size - 1;
        int status = 200;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            if (m.matches()) {
                from = Long.parseLong(m.group(1));
                if (!m.group(2).isEmpty()) {
                    to = Math.min(Long.parseLong(m.group(2)), size - 1);
                }
                if (from >= size || from > to) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
                    exchange.sendResponseHeaders(416, -1);
                    return;
                }
                status = 206;
                exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
            }
        }
        long length = to - from + 1;
        if (method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, length);
        try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(file);
             OutputStream out = exchange.getResponseBody()) {
            in.position(from);
            java.io.InputStream stream = java.nio.channels.Channels.newInputStream(in);
            byte[] buffer = new byte[1 << 16];
            long left = length;
            while (left > 0) {
                int n = stream.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }
}
