package io.pveq.sim.internal.api;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * The server side of RFC 6455 framing over one upgraded connection: reads masked client frames
 * (fragments joined, pings answered with pongs, a close answered with a close), writes unmasked
 * frames. Reading is for one thread; writing is synchronized, so any thread may send.
 */
final class WebSocketFrames {

    /** The GUID RFC 6455 appends to the client's key before hashing it. */
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_MESSAGE = 1 << 20;
    static final int TEXT = 1;
    static final int BINARY = 2;
    private static final int CLOSE = 8;
    private static final int PING = 9;
    private static final int PONG = 10;

    /** A complete data message. */
    record Message(int opcode, byte[] payload) {
    }

    private final DataInputStream in;
    private final OutputStream out;
    private boolean closeSent;

    WebSocketFrames(InputStream in, OutputStream out) {
        this.in = new DataInputStream(in);
        this.out = out;
    }

    /** @return the {@code Sec-WebSocket-Accept} value answering a client's {@code Sec-WebSocket-Key} */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key.strip() + GUID)
                    .getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /**
     * @return the next data message, or empty once the peer closed (its close answered) or the
     *         connection ended
     */
    Optional<Message> read() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = -1;
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return Optional.empty();
            }
            int b1 = in.readUnsignedByte();
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0f;
            long length = b1 & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if ((b1 & 0x80) == 0 || length > MAX_MESSAGE || length < 0) {
                // RFC 6455 5.1: a server closes on an unmasked client frame; 1009 for a message too big
                send(CLOSE, closePayload((b1 & 0x80) == 0 ? 1002 : 1009));
                return Optional.empty();
            }
            byte[] mask = new byte[4];
            in.readFully(mask);
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            switch (opcode) {
                case PING -> send(PONG, payload);
                case PONG -> {
                    // unsolicited pongs are allowed and ignored
                }
                case CLOSE -> {
                    send(CLOSE, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                    return Optional.empty();
                }
                default -> {
                    if (opcode != 0) {
                        messageOpcode = opcode;
                    }
                    message.write(payload);
                    if (message.size() > MAX_MESSAGE) {
                        send(CLOSE, closePayload(1009));
                        return Optional.empty();
                    }
                    if (fin) {
                        return Optional.of(new Message(messageOpcode, message.toByteArray()));
                    }
                }
            }
        }
    }

    /** Sends a binary message (what {@code pveproxy} relays a terminal's output as). */
    void binary(byte[] data) throws IOException {
        send(BINARY, data);
    }

    /** Sends a close frame with a status code, once. */
    void close(int code) throws IOException {
        send(CLOSE, closePayload(code));
    }

    private static byte[] closePayload(int code) {
        return ByteBuffer.allocate(2).putShort((short) code).array();
    }

    private synchronized void send(int opcode, byte[] payload) throws IOException {
        if (closeSent) {
            return;
        }
        closeSent = opcode == CLOSE;
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length <= 0xffff) {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(127);
            out.write(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        out.write(payload);
        out.flush();
    }
}
