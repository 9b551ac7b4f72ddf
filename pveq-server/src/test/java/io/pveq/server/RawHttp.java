package io.pveq.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a plain socket, for what the JDK client cannot do: choose the
 * local (loopback) source address, send no {@code Accept} header at all, read an SSE stream line by
 * line and drop the connection mid-stream.
 */
final class RawHttp implements Closeable {

    private final Socket socket;
    private final BufferedInputStream in;
    private boolean chunked;
    private boolean done;
    private boolean chunkEndPending;
    private long remaining = -1;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    final Map<String, String> headers = new LinkedHashMap<>();
    int status;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /**
     * Sends one request and reads the status line and headers.
     *
     * @param from  local source address, e.g. 127.0.0.2; null for the default
     * @param extra request headers, each "Name: value"
     */
    static RawHttp send(String from, int port, String method, String path, String body, String... extra) throws IOException {
        Socket s = new Socket();
        if (from != null) {
            s.bind(new InetSocketAddress(from, 0));
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(20_000);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        for (String h : extra) {
            req.append(h).append("\r\n");
        }
        if (body != null) {
            req.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
        }
        req.append("\r\n");
        OutputStream out = s.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
        RawHttp r = new RawHttp(s);
        r.readHead();
        return r;
    }

    private void readHead() throws IOException {
        String statusLine = rawLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        String line;
        while (!(line = rawLine()).isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        if (headers.containsKey("content-length")) {
            remaining = Long.parseLong(headers.get("content-length"));
        }
    }

    private String rawLine() throws IOException {
        return readLine(in, StandardCharsets.UTF_8);
    }

    /** Reads one line ending in {@code \n} (a {@code \r} is dropped); fails when the connection closed first. */
    static String readLine(InputStream in, java.nio.charset.Charset charset) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(charset);
    }

    /** @return the header value or null */
    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** @return the next body line (without its newline), or null at the end of the body */
    String line() throws IOException {
        while (true) {
            byte[] buf = pending.toByteArray();
            for (int i = 0; i < buf.length; i++) {
                if (buf[i] == '\n') {
                    String line = new String(buf, 0, i, StandardCharsets.UTF_8);
                    pending.reset();
                    pending.write(buf, i + 1, buf.length - i - 1);
                    return line;
                }
            }
            byte[] more = nextBodyBytes();
            if (more == null) {
                if (pending.size() == 0) {
                    return null;
                }
                String last = pending.toString(StandardCharsets.UTF_8);
                pending.reset();
                return last;
            }
            pending.write(more);
        }
    }

    private byte[] nextBodyBytes() throws IOException {
        if (done) {
            return null;
        }
        byte[] b = readBody();
        done = b == null;
        return b;
    }

    private byte[] readBody() throws IOException {
        if (chunked) {
            if (chunkEndPending) {
                rawLine(); // the CRLF after the previous chunk, read only now: servers may send it with the next chunk
            }
            String size = rawLine().strip();
            int n = Integer.parseInt(size.split(";")[0], 16);
            if (n == 0) {
                rawLine();
                return null;
            }
            byte[] chunk = in.readNBytes(n);
            chunkEndPending = true;
            return chunk;
        }
        if (remaining == 0) {
            return null;
        }
        byte[] buf = new byte[remaining > 0 ? (int) Math.min(remaining, 8192) : 8192];
        int n = in.read(buf);
        if (n < 0) {
            return null;
        }
        if (remaining > 0) {
            remaining -= n;
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    /** @return the whole remaining body */
    String body() throws IOException {
        StringBuilder out = new StringBuilder();
        String line;
        boolean first = true;
        while ((line = line()) != null) {
            if (!first) {
                out.append('\n');
            }
            out.append(line);
            first = false;
        }
        return out.toString();
    }

    /** @return the input stream, for tests that read raw */
    InputStream input() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
