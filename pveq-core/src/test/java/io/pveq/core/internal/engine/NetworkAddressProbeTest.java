package io.pveq.core.internal.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Loopback only: a listening port, a refused port; silence through an injected connector. */
class NetworkAddressProbeTest {

    private final ExecutorService pool = DaemonThreads.cachedPool("probe-test");

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static InetAddress loopback() throws Exception {
        return InetAddress.getByName("127.0.0.1");
    }

    @Test
    void aListeningPortMeansPresent() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, loopback())) {
            NetworkAddressProbe probe = new NetworkAddressProbe(pool, List.of(server.getLocalPort()),
                    (target, timeout) -> new java.net.Socket().connect(target, timeout), (a, t) -> false);
            assertTrue(probe.inUse(loopback(), Duration.ofMillis(300)));
        }
    }

    @Test
    void aRefusedConnectionMeansPresent() throws Exception {
        int closedPort;
        try (ServerSocket server = new ServerSocket(0, 50, loopback())) {
            closedPort = server.getLocalPort();
        }
        NetworkAddressProbe probe = new NetworkAddressProbe(pool, List.of(closedPort), (target, timeout) -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(target, timeout);
            }
        }, (a, t) -> false);
        assertTrue(probe.inUse(loopback(), Duration.ofMillis(300)));
    }

    @Test
    void silenceUntilTheTimeoutMeansFree() throws Exception {
        NetworkAddressProbe probe = new NetworkAddressProbe(pool, List.of(22, 80), (target, timeout) -> {
            throw new SocketTimeoutException("connect timed out");
        }, (a, t) -> false);
        assertFalse(probe.inUse(loopback(), Duration.ofMillis(300)));
    }

    @Test
    void noRouteToHostMeansFree() throws Exception {
        NetworkAddressProbe probe = new NetworkAddressProbe(pool, List.of(22), (target, timeout) -> {
            throw new java.net.NoRouteToHostException("No route to host");
        }, (a, t) -> false);
        assertFalse(probe.inUse(loopback(), Duration.ofMillis(300)));
    }

    @Test
    void anEchoReplyMeansPresentWhateverTcpSays() throws Exception {
        NetworkAddressProbe probe = new NetworkAddressProbe(pool, List.of(22), (target, timeout) -> {
            throw new SocketTimeoutException("connect timed out");
        }, (a, t) -> true);
        assertTrue(probe.inUse(loopback(), Duration.ofMillis(300)));
    }
}
