package io.pveq.core.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assertions;

/**
 * Another JVM that a test runs as a second process (a provisioner on the same state folder, a cache
 * that holds a blob), talking to it in lines over a private loopback socket. Standard output is no
 * channel: logging, JVM warnings and any library may write there. The child runs {@code main} with this
 * JVM's class path, which must hold exactly one {@code logback-test.xml}; its stdout and stderr go to a
 * file that failure messages quote. The child's side is {@link ParentChannel}.
 *
 * <p>{@link #start} returns at once, so that several children start side by side; the child's
 * connection is awaited by the first {@link #send} or {@link #receive}. Every wait is bounded and ends in
 * a failed test that quotes the child's output. Not thread-safe; {@link #close()} kills the child and
 * everything it started.
 */
public final class ChildJvm implements AutoCloseable {

    /** Bound on every wait unless the call names one: generous, a loaded CI machine runs many JVMs. */
    public static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String LOGGING_CONFIG = "logback-test.xml";

    private final String name;
    private final Process process;
    private final ServerSocket server;
    private final String token;
    private final Path output;
    private Socket socket;
    private BufferedReader in;
    private Writer out;

    private ChildJvm(String name, Process process, ServerSocket server, String token, Path output) {
        this.name = name;
        this.process = process;
        this.server = server;
        this.token = token;
        this.output = output;
    }

    /**
     * Starts {@code main} in a new JVM with this JVM's class path and {@code pveq.shared.dir}.
     *
     * @param main a class with {@code public static void main(String[])} that talks through
     *        {@link ParentChannel#open()}
     * @param args its arguments
     * @return the running child; close it
     * @throws org.opentest4j.AssertionFailedError when the class path holds no or several logging
     *         configurations
     */
    public static ChildJvm start(Class<?> main, String... args) throws IOException {
        String classPath = System.getProperty("java.class.path");
        requireOneLoggingConfiguration(classPath);
        Path output = Files.createTempFile("pveq-child-" + main.getSimpleName() + "-", ".out");
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        String token = UUID.randomUUID().toString();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-D" + ParentChannel.PROPERTY + "=" + server.getLocalPort() + ":" + token));
        String shared = System.getProperty("pveq.shared.dir");
        if (shared != null) {
            command.add("-Dpveq.shared.dir=" + shared);
        }
        command.addAll(List.of("-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close(); // nothing comes on stdin: the channel carries everything
            return new ChildJvm(main.getSimpleName(), process, server, token, output);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(output);
            throw e;
        }
    }

    /** Fails unless the class path holds exactly one test logging configuration. */
    static void requireOneLoggingConfiguration(String classPath) {
        List<String> found = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(LOGGING_CONFIG))) {
                found.add(entry);
            } else if (Files.isRegularFile(path) && entry.endsWith(".jar")) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    if (jar.getEntry(LOGGING_CONFIG) != null) {
                        found.add(entry);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read class path entry " + entry, e);
                }
            }
        }
        if (found.size() != 1) {
            Assertions.fail("a child JVM needs exactly one " + LOGGING_CONFIG + " on its class path, found "
                    + found.size() + ": " + found + " (each module's tests bring their own; no test-jar may ship one)");
        }
    }

    /** Sends one line to the child. */
    public void send(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one line at a time: " + line);
        }
        connect(TIMEOUT);
        try {
            out.write(line + "\n");
            out.flush();
        } catch (IOException e) {
            throw failure("could not send '" + line + "' (" + e + ")");
        }
    }

    /** @return the child's next line, waiting at most {@link #TIMEOUT} */
    public String receive() {
        return receive(TIMEOUT);
    }

    /**
     * @return the child's next line
     * @throws org.opentest4j.AssertionFailedError when none comes in time or the child closed the channel
     */
    public String receive(Duration timeout) {
        String line = read(timeout);
        if (line == null) {
            throw failure("closed the channel instead of sending a line");
        }
        return line;
    }

    /** @return every line the child sends until it closes the channel, waiting at most {@code timeout} */
    public List<String> receiveAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> lines = new ArrayList<>();
        for (String line = read(timeout); line != null;
                line = read(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
            lines.add(line);
        }
        return lines;
    }

    /**
     * Waits for the child to end.
     *
     * @return its exit code
     * @throws org.opentest4j.AssertionFailedError when it is still running after {@code timeout}
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure("did not exit within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while awaiting its exit");
        }
        return process.exitValue();
    }

    /** @return what the child printed on stdout and stderr so far (its logging, its crashes) */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    /** Kills the child and its descendants, closes the channel and removes the output file. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (socket != null) {
                socket.close();
            }
            server.close();
            Files.deleteIfExists(output);
        } catch (IOException ignored) {
            // best effort: a temp file or a closed socket
        }
    }

    private String read(Duration timeout) {
        connect(timeout);
        try {
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            return in.readLine();
        } catch (SocketTimeoutException e) {
            throw failure("sent nothing within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw failure("channel broke (" + e + ")");
        }
    }

    /** Accepts the child's connection (once), checking the token so that no stray connection is taken. */
    private void connect(Duration timeout) {
        if (socket != null) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            server.setSoTimeout(200);
            while (System.nanoTime() < deadline) {
                Socket candidate;
                try {
                    candidate = server.accept();
                } catch (SocketTimeoutException e) {
                    if (!process.isAlive()) {
                        throw failure("exited with " + process.exitValue() + " before it connected");
                    }
                    continue;
                }
                candidate.setSoTimeout(10_000);
                BufferedReader reader = new BufferedReader(new InputStreamReader(candidate.getInputStream(),
                        StandardCharsets.UTF_8));
                String hello;
                try {
                    hello = reader.readLine();
                } catch (IOException e) {
                    hello = null;
                }
                if (token.equals(hello)) {
                    socket = candidate;
                    in = reader;
                    out = new OutputStreamWriter(candidate.getOutputStream(), StandardCharsets.UTF_8);
                    return;
                }
                candidate.close();
            }
        } catch (IOException e) {
            throw failure("could not accept its connection (" + e + ")");
        }
        throw failure("did not connect within " + timeout.toSeconds() + " s");
    }

    private AssertionError failure(String what) {
        String alive = process.isAlive() ? "running" : "exited with " + process.exitValue();
        String text = output();
        if (text.length() > 8000) {
            text = "..." + text.substring(text.length() - 8000);
        }
        return new AssertionError("child JVM " + name + " " + what + " (" + alive + "); its output:\n" + text);
    }
}
