package io.pveq.api.internal;

import io.pveq.api.AuthenticationException;
import io.pveq.api.OutputListener;
import io.pveq.api.ProxmoxApiException;
import io.pveq.core.PveqException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One terminal proxy connection speaking {@code termproxy}'s protocol: sends {@code USER:TICKET\n}, waits
 * for {@code OK}, types one command line ({@code 0:LEN:DATA}) and reads the terminal's output into lines
 * between the begin and end markers of {@link TerminalCalls}. Callbacks arrive on OkHttp's websocket
 * thread; the futures and {@link #lines()} may be read from any thread.
 */
final class TerminalSocket extends WebSocketListener {

    private static final Logger LOG = LoggerFactory.getLogger(TerminalSocket.class);
    /** CSI and OSC escape sequences, and the other single escapes a terminal may print. */
    private static final Pattern ESCAPES = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*"
            + "(\u0007|\u001B\\\\)|\u001B[()][0-9A-Za-z]|\u001B[=>78cDEHM]");

    private final String path;
    private final String who;
    private final String authLine;
    private final String commandLine;
    private final String begin;
    private final String endPrefix;
    private final OutputListener listener;
    private final CompletableFuture<Void> accepted = new CompletableFuture<>();
    private final CompletableFuture<Integer> finished = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private volatile WebSocket socket;
    private volatile boolean cancelled;
    private boolean inOutput;

    /**
     * @param path        the websocket's path, for messages
     * @param user        the user or token id the ticket was made for
     * @param ticket      the ticket
     * @param commandLine the line to type once the proxy accepted the ticket (without the Enter)
     * @param marker      the run's marker id
     */
    TerminalSocket(String path, String who, String user, String ticket, String commandLine, String marker,
                   OutputListener listener) {
        this.path = path;
        this.who = who;
        this.authLine = user + ":" + ticket + "\n";
        this.commandLine = commandLine;
        this.begin = "PVEQBEGIN-" + marker;
        this.endPrefix = "PVEQEND-" + marker + " ";
        this.listener = listener;
    }

    void attach(WebSocket webSocket) {
        this.socket = webSocket;
    }

    /** @return completes when the proxy answered {@code OK} */
    CompletableFuture<Void> accepted() {
        return accepted;
    }

    /** @return completes with the exit status when the end marker arrived */
    CompletableFuture<Integer> finished() {
        return finished;
    }

    /** @return completes when the connection ended, exceptionally when it failed and was not cancelled */
    CompletableFuture<Void> ended() {
        return ended;
    }

    /** @return the output lines so far */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Interrupts the command, ends the shell and closes the websocket. Idempotent. */
    void cancel() {
        cancelled = true;
        WebSocket ws = socket;
        if (ws != null && accepted.isDone()) {
            type("\u0003");
            type("exit\r");
        }
        if (ws != null) {
            ws.close(1000, "cancelled");
        }
    }

    private void type(String text) {
        int length = text.getBytes(StandardCharsets.UTF_8).length;
        socket.send("0:" + length + ":" + text);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        this.socket = webSocket;
        webSocket.send(authLine);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
        received(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
        received(bytes.toByteArray());
    }

    private synchronized void received(byte[] data) {
        int from = 0;
        if (!accepted.isDone()) {
            partial.write(data, 0, data.length);
            byte[] all = partial.toByteArray();
            if (all.length < 2) {
                return;
            }
            if (all[0] != 'O' || all[1] != 'K') {
                fail(refused("answered " + new String(all, 0, Math.min(all.length, 40), StandardCharsets.UTF_8)
                        + " instead of OK"));
                return;
            }
            partial.reset();
            data = all;
            from = 2;
            accepted.complete(null);
            type(commandLine + "\r");
        }
        for (int i = from; i < data.length; i++) {
            if (data[i] == '\n') {
                line(partial.toString(StandardCharsets.UTF_8));
                partial.reset();
            } else {
                partial.write(data[i]);
            }
        }
    }

    private void line(String raw) {
        String text = ESCAPES.matcher(raw).replaceAll("").replace("\r", "");
        if (!inOutput) {
            if (text.equals(begin) && !finished.isDone()) {
                inOutput = true;
            }
            return;
        }
        int end = text.indexOf(endPrefix);
        if (end < 0) {
            deliver(text);
            return;
        }
        if (end > 0) {
            deliver(text.substring(0, end));
        }
        inOutput = false;
        String status = text.substring(end + endPrefix.length()).strip();
        try {
            finished.complete(Integer.parseInt(status));
        } catch (NumberFormatException e) {
            finished.completeExceptionally(new ProxmoxApiException("GET", path, 101,
                    "the terminal printed an end marker without a status: " + status));
        }
        type("exit\r");
    }

    private void deliver(String text) {
        lines.add(text);
        try {
            listener.line(text);
        } catch (RuntimeException e) {
            LOG.warn("an output listener threw on a line of {}: {}", path, e.toString());
        }
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
        webSocket.close(1000, null);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
        if (!accepted.isDone()) {
            fail(refused("closed the connection (" + code + ")"));
            return;
        }
        finished.completeExceptionally(new ProxmoxApiException("GET", path, 101,
                "the terminal closed (" + code + ") before the command ended"));
        ended.complete(null);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        if (response != null && response.code() != 101) {
            String reason = Optional.ofNullable(response.message()).filter(m -> !m.isBlank()).orElse("(no reason given)");
            ErrorMapper.CallContext context = new ErrorMapper.CallContext(Optional.empty(), Optional.empty());
            fail(ErrorMapper.map("GET", path, response.code(), reason, Map.of(), who, context));
        } else if (!accepted.isDone()) {
            fail(refused("closed the connection: " + t));
        } else if (cancelled) {
            finished.completeExceptionally(new ProxmoxApiException("GET", path, 101, "cancelled"));
            ended.complete(null);
        } else {
            fail(new ProxmoxApiException("GET", path, 101, "the terminal connection failed: " + t));
        }
    }

    private AuthenticationException refused(String what) {
        return new AuthenticationException("GET", path, who, "the terminal proxy refused the ticket: it " + what
                + " (a wrong or expired ticket, or a user without the console privilege)");
    }

    private void fail(PveqException failure) {
        accepted.completeExceptionally(failure);
        finished.completeExceptionally(failure);
        if (cancelled) {
            ended.complete(null);
        } else {
            ended.completeExceptionally(failure);
        }
        WebSocket ws = socket;
        if (ws != null) {
            ws.cancel();
        }
    }
}
