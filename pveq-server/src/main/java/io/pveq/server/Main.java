package io.pveq.server;

/** Entry point of {@code pveq-server.jar}. */
public final class Main {

    private Main() {
    }

    /** Starts the server. */
    public static void main(String[] args) {
        System.err.println("pveq-server: the REST/SSE server is not part of this build yet"
                + " (tracked as the pveq-server issue); the library modules and their tests are.");
        System.exit(2);
    }
}
