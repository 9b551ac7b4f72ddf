package io.pveq.sim.internal.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One exchange with a QEMU unix socket: the monitor (QMP: greeting, {@code qmp_capabilities}, a
 * command) or the guest agent (QGA: {@code guest-sync} with a random id to skip stale replies, then the
 * command). A timeout closes the socket, which ends a blocked read. Not thread-safe; one per exchange.
 */
final class QemuSocket implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final long deadlineNanos;
    private final Thread watchdog;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private QemuSocket(Path socket, Duration timeout) throws IOException {
        this.channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.watchdog = new Thread(() -> {
            try {
                Thread.sleep(Math.max(1, timeout.toMillis()));
                channel.close();
            } catch (InterruptedException | IOException e) {
                // finished in time, or closing anyway
            }
        }, "pveq-sim-qemu-socket-timeout");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /**
     * Runs one QMP command.
     *
     * @return the {@code return} member of the answer
     * @throws IOException when the socket cannot be used, the time runs out or QEMU answers an error
     */
    static JsonNode qmp(Path socket, String command, JsonNode arguments, Duration timeout) throws IOException {
        try (QemuSocket s = new QemuSocket(socket, timeout)) {
            s.readReply(); // greeting
            s.send(command("qmp_capabilities"));
            s.readReply();
            ObjectNode message = command(command);
            if (arguments != null) {
                message.set("arguments", arguments);
            }
            s.send(message);
            return s.readReply();
        }
    }

    /**
     * Runs one guest agent command.
     *
     * @param command   e.g. {@code guest-ping}
     * @param arguments its arguments, or null
     * @return the {@code return} member of the answer
     * @throws IOException when the agent does not answer in time or answers an error
     */
    static JsonNode agent(Path socket, String command, JsonNode arguments, Duration timeout) throws IOException {
        try (QemuSocket s = new QemuSocket(socket, timeout)) {
            long id = ThreadLocalRandom.current().nextLong(1, Integer.MAX_VALUE);
            ObjectNode sync = command("guest-sync");
            sync.putObject("arguments").put("id", id);
            s.send(sync);
            while (true) {
                JsonNode reply = s.readReply();
                if (reply.isNumber() && reply.asLong() == id) {
                    break;
                }
            }
            ObjectNode message = command(command);
            if (arguments != null) {
                message.set("arguments", arguments);
            }
            s.send(message);
            return s.readReply();
        }
    }

    private static ObjectNode command(String name) {
        ObjectNode node = JSON.createObjectNode();
        node.put("execute", name);
        return node;
    }

    private void send(JsonNode message) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** @return the next reply that is not an event: {@code return}, or the greeting's {@code QMP} */
    private JsonNode readReply() throws IOException {
        while (true) {
            JsonNode node = JSON.readTree(readLine());
            if (node.has("event")) {
                continue;
            }
            if (node.has("error")) {
                throw new IOException(node.path("error").path("desc").asText(node.toString()));
            }
            return node.has("return") ? node.get("return") : node;
        }
    }

    private String readLine() throws IOException {
        ByteBuffer one = ByteBuffer.allocate(4096);
        while (true) {
            byte[] buffered = pending.toByteArray();
            for (int i = 0; i < buffered.length; i++) {
                if (buffered[i] == '\n') {
                    String line = new String(buffered, 0, i, StandardCharsets.UTF_8);
                    pending.reset();
                    pending.write(buffered, i + 1, buffered.length - i - 1);
                    if (!line.isBlank()) {
                        return line;
                    }
                    buffered = pending.toByteArray();
                    i = -1;
                }
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IOException("got timeout");
            }
            one.clear();
            int n;
            try {
                n = channel.read(one);
            } catch (IOException e) {
                throw System.nanoTime() > deadlineNanos ? new IOException("got timeout") : e;
            }
            if (n < 0) {
                throw new IOException(System.nanoTime() > deadlineNanos ? "got timeout" : "connection closed");
            }
            pending.write(one.array(), 0, n);
        }
    }

    @Override
    public void close() {
        watchdog.interrupt();
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
