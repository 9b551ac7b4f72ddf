package io.pveq.sim.internal.api;

import java.io.IOException;
import java.io.InputStream;

/** A request body read off a kept-alive connection: exactly its length, or its chunks; closing keeps the connection. */
final class BodyStreams {

    private BodyStreams() {
    }

    /** Reads exactly {@code length} bytes of a request body, then reports the end. */
    static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long length) {
            this.in = in;
            this.left = Math.max(0, length);
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("request body ended early");
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n < 0) {
                throw new IOException("request body ended early");
            }
            left -= n;
            return n;
        }

        @Override
        public void close() {
            // the connection stays open
        }
    }

    /** Decodes a chunked request body. */
    static final class Chunked extends InputStream {
        private final InputStream in;
        private long chunkLeft;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        private boolean ensure() throws IOException {
            if (done) {
                return false;
            }
            if (chunkLeft == 0) {
                String line = line();
                int semicolon = line.indexOf(';');
                String size = (semicolon >= 0 ? line.substring(0, semicolon) : line).strip();
                chunkLeft = Long.parseLong(size, 16);
                if (chunkLeft == 0) {
                    while (!line().isEmpty()) {
                        // trailers are ignored
                    }
                    done = true;
                    return false;
                }
            }
            return true;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            if (b < 0) {
                throw new IOException("chunked body ended early");
            }
            return line.toString();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (!ensure()) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, chunkLeft));
            if (n < 0) {
                throw new IOException("chunked body ended early");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                line();
            }
            return n;
        }

        @Override
        public void close() {
            // the connection stays open
        }
    }
}
