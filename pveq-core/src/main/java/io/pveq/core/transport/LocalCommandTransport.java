package io.pveq.core.transport;

import java.io.ByteArrayOutputStream;
import java.io.File;
import io.pveq.core.internal.transport.OutputPump;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on this machine with {@link ProcessBuilder}: no shell is involved, so each argv
 * element reaches the program exactly as given. Used on the Proxmox node pveq runs on.
 *
 * <p>Standard output, standard error and standard input are each served by their own thread, so a
 * command writing megabytes to both streams never deadlocks. On timeout or interrupt the whole
 * process tree (the command and every descendant) is killed. Thread-safe; share one instance.
 * {@link #close()} stops its reader threads.
 */
public final class LocalCommandTransport implements CommandTransport {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCommandTransport.class);
    private static final AtomicInteger POOL_IDS = new AtomicInteger();
    /** How long to wait for output readers after the process is gone (grandchildren may hold pipes). */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private final Optional<Path> workingDirectory;
    private final Map<String, String> environment;
    private final ExecutorService io;

    private LocalCommandTransport(Builder builder) {
        this.workingDirectory = Optional.ofNullable(builder.workingDirectory);
        this.environment = Map.copyOf(builder.environment);
        int poolId = POOL_IDS.incrementAndGet();
        AtomicInteger threadIds = new AtomicInteger();
        ThreadFactory threads = runnable -> {
            Thread thread = new Thread(runnable, "pveq-local-" + poolId + "-io-" + threadIds.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.io = Executors.newCachedThreadPool(threads);
    }

    /** @return a transport running commands in the current directory with the inherited environment */
    public static LocalCommandTransport create() {
        return builder().build();
    }

    /** @return a builder for a customised transport */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CommandResult run(CommandRequest request) {
        Objects.requireNonNull(request, "request");
        if (io.isShutdown()) {
            throw new TransportException("transport is closed: " + describe());
        }
        ProcessBuilder builder = new ProcessBuilder(request.argv());
        workingDirectory.map(Path::toFile).ifPresent(builder::directory);
        builder.environment().putAll(environment);
        if (request.stdin().isEmpty()) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        LOG.debug("run locally: {}", request.displayLine());
        long start = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new TransportException("cannot start " + request.displayArgv().get(0) + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Future<?> outPump = io.submit(() -> pump(process.getInputStream(), stdout, request, OutputListener.Stream.STDOUT));
        Future<?> errPump = io.submit(() -> pump(process.getErrorStream(), stderr, request, OutputListener.Stream.STDERR));
        request.stdin().ifPresent(bytes -> io.submit(() -> feed(process.getOutputStream(), bytes)));

        boolean finished;
        try {
            finished = process.waitFor(request.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while running: " + request.displayLine(), e);
        }
        if (!finished) {
            killTree(process);
            drain(outPump);
            drain(errPump);
            throw new CommandTimeoutException(request.displayLine(), request.timeout(),
                    text(stdout), text(stderr));
        }
        drain(outPump);
        drain(errPump);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        CommandResult result = new CommandResult(request.displayArgv(), process.exitValue(), text(stdout), text(stderr),
                took);
        LOG.debug("{}", result);
        return result;
    }

    @Override
    public String describe() {
        return "local";
    }

    @Override
    public void close() {
        io.shutdownNow();
    }

    private static void pump(InputStream in, ByteArrayOutputStream sink, CommandRequest request,
                             OutputListener.Stream stream) {
        try (in) {
            OutputPump.copy(in, sink, request.listener(), stream);
        } catch (IOException e) {
            // the stream closes when the process is killed: what was read so far is kept
        }
    }

    private static void feed(OutputStream in, byte[] bytes) {
        try (in) {
            in.write(bytes);
        } catch (IOException e) {
            // the command exited without reading all its input: that is its business
        }
    }

    private static void drain(Future<?> pump) {
        try {
            pump.get(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pump.cancel(true);
        } catch (ExecutionException e) {
            throw new TransportException("reading command output failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Builds a {@link LocalCommandTransport}. Not thread-safe. */
    public static final class Builder {
        private Path workingDirectory;
        private final Map<String, String> environment = new HashMap<>();

        private Builder() {
        }

        /** @param directory where commands run; default: the current directory */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = directory;
            return this;
        }

        /** Adds or overrides one environment variable for every command. */
        public Builder environment(String name, String value) {
            environment.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** @return the transport */
        public LocalCommandTransport build() {
            return new LocalCommandTransport(this);
        }
    }
}
