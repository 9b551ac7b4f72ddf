package io.pveq.core.internal.engine;

import io.pveq.core.AddressProbe;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The default {@link AddressProbe}: an ICMP echo ({@link InetAddress#isReachable}, which falls back to
 * a TCP echo when the JVM may not send ICMP) and TCP connects to a few ports, all in parallel, each
 * bounded by the timeout. Any answer means present, including a refused connection (a host that sends
 * a reset exists); silence until the timeout, or "no route", means free. Thread-safe.
 */
public final class NetworkAddressProbe implements AddressProbe {

    /** The ports tried: SSH (what a Linux VM answers on) and HTTP. */
    public static final List<Integer> DEFAULT_PORTS = List.of(22, 80);

    /** How one TCP attempt ends. */
    enum Answer {
        /** Connected, or refused: something is there. */
        PRESENT,
        /** Timed out or unreachable. */
        SILENT
    }

    /** Opens one TCP connection; replaceable in tests so silence can be shown without sending packets. */
    @FunctionalInterface
    interface Connector {
        /**
         * @throws IOException as {@link Socket#connect(java.net.SocketAddress, int)} would
         */
        void connect(InetSocketAddress target, int timeoutMillis) throws IOException;
    }

    /** Sends one ICMP echo; replaceable in tests. */
    @FunctionalInterface
    interface Pinger {
        boolean reachable(InetAddress address, int timeoutMillis) throws IOException;
    }

    private final ExecutorService executor;
    private final List<Integer> ports;
    private final Connector connector;
    private final Pinger pinger;

    /**
     * @param executor runs the parallel attempts (a cached pool; not closed here)
     */
    public NetworkAddressProbe(ExecutorService executor) {
        this(executor, DEFAULT_PORTS, NetworkAddressProbe::socketConnect, InetAddress::isReachable);
    }

    NetworkAddressProbe(ExecutorService executor, List<Integer> ports, Connector connector, Pinger pinger) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.ports = List.copyOf(ports);
        this.connector = Objects.requireNonNull(connector, "connector");
        this.pinger = Objects.requireNonNull(pinger, "pinger");
    }

    private static final class Shared {
        static final NetworkAddressProbe INSTANCE = new NetworkAddressProbe(DaemonThreads.cachedPool("pveq-address-probe"));
    }

    /** @return a process-wide probe on its own pool of daemon threads */
    public static NetworkAddressProbe shared() {
        return Shared.INSTANCE;
    }

    private static void socketConnect(InetSocketAddress target, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(target, timeoutMillis);
        }
    }

    /** @return whether one TCP attempt saw something */
    Answer tcp(InetAddress address, int port, int timeoutMillis) {
        try {
            connector.connect(new InetSocketAddress(address, port), timeoutMillis);
            return Answer.PRESENT;
        } catch (ConnectException e) {
            // "Connection refused" is an answer; "No route to host" / "Host is down" are not
            String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            return message.contains("refused") ? Answer.PRESENT : Answer.SILENT;
        } catch (SocketTimeoutException e) {
            return Answer.SILENT;
        } catch (IOException | RuntimeException e) {
            return Answer.SILENT;
        }
    }

    private boolean icmp(InetAddress address, int timeoutMillis) {
        try {
            return pinger.reachable(address, timeoutMillis);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public boolean inUse(InetAddress address, Duration timeout) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        CompletableFuture<Boolean> any = new CompletableFuture<>();
        List<CompletableFuture<Boolean>> attempts = new java.util.ArrayList<>();
        attempts.add(CompletableFuture.supplyAsync(() -> icmp(address, millis), executor));
        for (int port : ports) {
            attempts.add(CompletableFuture.supplyAsync(() -> tcp(address, port, millis) == Answer.PRESENT, executor));
        }
        attempts.forEach(a -> a.thenAccept(present -> {
            if (present) {
                any.complete(true);
            }
        }));
        CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
                .thenRun(() -> any.complete(attempts.stream().anyMatch(CompletableFuture::join)));
        try {
            // every attempt is bounded by the timeout; allow a little for thread scheduling
            return any.get(millis + 200L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
