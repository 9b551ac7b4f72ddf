package io.pveq.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The child's side of {@link ChildJvm}: lines to and from the test that started this JVM, over a
 * loopback socket that nothing but this class writes to. A child's {@code main} opens it first, talks,
 * and closes it when done (closing is the end of what it says). Not thread-safe.
 */
public final class ParentChannel implements AutoCloseable {

    /** System property naming the parent's port and token, {@code PORT:TOKEN}. */
    static final String PROPERTY = "pveq.test.channel";

    private final Socket socket;
    private final BufferedReader in;
    private final Writer out;

    private ParentChannel(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Connects to the test that started this JVM.
     *
     * @throws IllegalStateException when this JVM was not started by {@link ChildJvm}
     */
    public static ParentChannel open() throws IOException {
        String address = System.getProperty(PROPERTY);
        if (address == null || !address.matches("\\d+:.+")) {
            throw new IllegalStateException("not started by ChildJvm: -D" + PROPERTY + " is missing");
        }
        int colon = address.indexOf(':');
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(address.substring(0, colon)));
        ParentChannel channel = new ParentChannel(socket);
        channel.send(address.substring(colon + 1));
        return channel;
    }

    /** Sends one line to the parent. */
    public void send(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one line at a time: " + line);
        }
        try {
            out.write(line + "\n");
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("parent gone", e);
        }
    }

    /**
     * @return the parent's next line
     * @throws IOException when the parent closed the channel (the test is over)
     */
    public String receive() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("the parent closed the channel");
        }
        return line;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
