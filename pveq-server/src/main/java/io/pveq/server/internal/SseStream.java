package io.pveq.server.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.pveq.core.Ipv4Address;
import io.pveq.core.Operation;
import io.pveq.core.VmId;
import io.pveq.core.event.ProgressEvent;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a job's events as Server-Sent Events over the plain servlet response, whatever the
 * request's {@code Accept} header says (Javalin's own SSE handler answers an empty 200 without
 * {@code Accept: text/event-stream}, which curl and the reference's clients never send). Each event
 * is {@code id: <log index>} and {@code data: <one JSON object>} written by Jackson; silent stretches
 * get a {@code : keep-alive} comment. The calling (HTTP worker) thread blocks until the job's terminal
 * event is written, the client goes away, or the server stops. The job never depends on the stream.
 */
public final class SseStream {

    private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);
    private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    private static final Object CLOSE = new Object();

    private final java.util.Set<LinkedBlockingQueue<Object>> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final ObjectWriter writer;
    private final Duration heartbeat;
    private final BooleanSupplier stopping;
    private final ServerMetrics metrics;

    /**
     * @param mapper    the server's mapper
     * @param heartbeat interval of keep-alive comments
     * @param stopping  true once the server shuts down: streams then end after the next poll
     * @param metrics   counts open streams
     */
    public SseStream(ObjectMapper mapper, Duration heartbeat, BooleanSupplier stopping, ServerMetrics metrics) {
        this.writer = mapper.writerFor(Payload.class);
        this.heartbeat = heartbeat;
        this.stopping = stopping;
        this.metrics = metrics;
    }

    /** The JSON object of one SSE {@code data:} line, in SPEC's key order. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"step", "status", "message", "vm_id", "ip"})
    public record Payload(String step, String status, String message, @JsonProperty("vm_id") Integer vmId, String ip) {

        /** @return the payload of {@code event} */
        public static Payload of(ProgressEvent event) {
            return new Payload(event.stage().label(), event.status().label(), event.message(),
                    event.vmId().map(VmId::value).orElse(null), event.ip().map(Ipv4Address::toString).orElse(null));
        }
    }

    /**
     * @param event an event
     * @return its {@code data:} JSON, one line
     */
    public String json(ProgressEvent event) {
        try {
            return writer.writeValueAsString(Payload.of(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an event", e);
        }
    }

    /**
     * Sends the SSE headers (plus {@code extraHeaders}) at once, then the job's events from
     * {@code fromIndex} until its terminal event.
     *
     * @param res          the response, not yet committed
     * @param extraHeaders e.g. the job id
     * @param op           the job
     * @param fromIndex    first log index to send
     * @return true when the terminal event was sent; false when the client left or the server stopped
     */
    public boolean stream(HttpServletResponse res, Map<String, String> extraHeaders, Operation<?> op, int fromIndex) {
        res.setStatus(200);
        res.setHeader("Content-Type", "text/event-stream");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        extraHeaders.forEach(res::setHeader);
        LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        metrics.streamOpened();
        open.add(queue);
        try (Operation.Subscription sub = op.subscribe(fromIndex, queue::offer)) {
            OutputStream out = res.getOutputStream();
            res.flushBuffer();
            int index = fromIndex;
            while (true) {
                Object next = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                if (next == CLOSE) {
                    return false;
                }
                ProgressEvent event = (ProgressEvent) next;
                if (event == null) {
                    if (stopping.getAsBoolean() && op.state().isFinished() && queue.isEmpty()) {
                        return false;
                    }
                    out.write(HEARTBEAT);
                    out.flush();
                    continue;
                }
                byte[] frame = ("id: " + index + "\ndata: " + json(event) + "\n\n").getBytes(StandardCharsets.UTF_8);
                index++;
                out.write(frame);
                out.flush();
                if (event.isTerminal()) {
                    return true;
                }
            }
        } catch (IOException e) {
            LOG.debug("SSE client of job {} went away: {}", op.id(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            open.remove(queue);
            metrics.streamClosed();
        }
    }

    /** Ends every open stream now (at shutdown, after the jobs were dealt with). */
    public void closeAll() {
        open.forEach(q -> q.offer(CLOSE));
    }
}
