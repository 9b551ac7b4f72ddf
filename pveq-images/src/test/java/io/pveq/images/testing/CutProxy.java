package io.pveq.images.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a real HTTP server that can cut connections: the next
 * {@link #cutNext(int, long)} connections are closed abruptly after that many response bytes
 * (headers included), the way a dropped link ends a download mid-body.
 */
public final class CutProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cut-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private volatile long cutAfter;
    private volatile boolean stall;

    /** @param upstreamPort port of the real server on 127.0.0.1 */
    public CutProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** @return {@code http://127.0.0.1:port/} */
    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/");
    }

    /** Cuts the next {@code connections} connections after {@code responseBytes} bytes of response. */
    public void cutNext(int connections, long responseBytes) {
        stall = false;
        cutAfter = responseBytes;
        cutsLeft.set(connections);
    }

    /**
     * Lets the next {@code connections} connections fall silent after {@code responseBytes} bytes of
     * response: the connection stays open but nothing more arrives (until the client gives up).
     */
    public void stallNext(int connections, long responseBytes) {
        stall = true;
        cutAfter = responseBytes;
        cutsLeft.set(connections);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                boolean cut = cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                long limit = cut ? cutAfter : Long.MAX_VALUE;
                boolean silent = cut && stall;
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                threads.execute(() -> pump(client, upstream, Long.MAX_VALUE, false));
                threads.execute(() -> pump(upstream, client, limit, silent));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to, long limit, boolean silent) {
        byte[] buffer = new byte[64 * 1024];
        long sent = 0;
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                int allowed = (int) Math.min(n, limit - sent);
                out.write(buffer, 0, allowed);
                sent += allowed;
                if (sent >= limit) {
                    if (silent) {
                        waitUntilClosed(to);
                    } else {
                        to.setSoLinger(true, 0);
                    }
                    break;
                }
            }
        } catch (IOException ignored) {
            // a side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Holds the connection open, sending nothing, until the client closes it. */
    private static void waitUntilClosed(Socket client) {
        try {
            while (client.getInputStream().read() >= 0) {
                // discard anything the client sends
            }
        } catch (IOException closed) {
            // the client gave up
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
