package io.pveq.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Follows a pveq-server job's event stream ({@code GET /api/jobs/{id}/events}, Server-Sent Events)
 * with the JDK's {@link HttpClient}, printing each event, and survives dropped connections: after a
 * drop it asks the job's state ({@code GET /api/jobs/{id}}) and, while events are missing, reconnects
 * with {@code Last-Event-ID} set to the last event seen, so the server replays only what came after.
 * Closing the connection never stops the job on the server, so this can also re-attach to a job
 * started elsewhere (the id is in the {@code X-Job-Id} header of the install response).
 *
 * <p>Run from the repository root, against a running server:
 * <pre>
 * pveq-examples/run.sh FollowJob http://127.0.0.1:8080 JOB_ID [API_TOKEN]
 * </pre>
 * Exit status: 0 when the job succeeded, 1 when it failed or was cancelled (or the server refused
 * the request), 2 on bad arguments, 3 when the server stayed unreachable.
 */
public final class FollowJob {

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final int MAX_ATTEMPTS_WITHOUT_PROGRESS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final HttpClient http;
    private final URI base;
    private final String job;
    private final Optional<String> token;
    private final Duration firstRetryDelay;
    private long lastId = -1;

    private FollowJob(PrintStream out, URI base, String job, Optional<String> token, Duration firstRetryDelay) {
        this.out = out;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.base = base;
        this.job = job;
        this.token = token;
        this.firstRetryDelay = firstRetryDelay;
    }

    /** Runs the example on {@code System.out} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /**
     * Runs the example with a first reconnect delay of 500 ms (doubling up to 8 s while no event arrives).
     *
     * @param out  where events and messages are printed
     * @param args {@code BASE_URL JOB_ID [API_TOKEN]}
     * @return the exit status described on the class
     */
    public static int run(PrintStream out, String[] args) {
        return run(out, args, Duration.ofMillis(500));
    }

    static int run(PrintStream out, String[] args, Duration firstRetryDelay) {
        if (args.length < 2 || args.length > 3 || !JOB_ID.matcher(args[1]).matches()
                || !args[0].matches("https?://[^\\s]+")) {
            out.println("usage: FollowJob BASE_URL JOB_ID [API_TOKEN]   e.g. FollowJob http://127.0.0.1:8080 7f3c9a 'secret'");
            return 2;
        }
        URI base = URI.create(args[0].endsWith("/") ? args[0] : args[0] + "/");
        Optional<String> token = args.length == 3 ? Optional.of(args[2]) : Optional.empty();
        try {
            return new FollowJob(out, base, args[1], token, firstRetryDelay).follow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("interrupted");
            return 1;
        }
    }

    private int follow() throws InterruptedException {
        Duration delay = firstRetryDelay;
        int attempts = 0;
        while (true) {
            long before = lastId;
            try {
                Optional<Integer> refused = stream();
                if (refused.isPresent()) {
                    return refused.get();
                }
            } catch (IOException e) {
                out.println("-- connection lost after event " + lastId + ": " + e.getMessage());
            }
            try {
                Optional<Integer> finished = finishedState();
                if (finished.isPresent()) {
                    return finished.get();
                }
            } catch (IOException e) {
                out.println("-- cannot read the job's state: " + e.getMessage());
            }
            if (lastId > before) {
                attempts = 0;
                delay = firstRetryDelay;
            }
            if (++attempts > MAX_ATTEMPTS_WITHOUT_PROGRESS) {
                out.println("-- giving up: no new event after " + MAX_ATTEMPTS_WITHOUT_PROGRESS + " attempts");
                return 3;
            }
            out.println("-- reconnecting in " + delay.toMillis() + " ms with Last-Event-ID: " + lastId);
            Thread.sleep(delay.toMillis());
            delay = delay.multipliedBy(2).compareTo(Duration.ofSeconds(8)) > 0 ? Duration.ofSeconds(8)
                    : delay.multipliedBy(2);
        }
    }

    /**
     * Reads the event stream until it ends.
     *
     * @return an exit status when the server refused the request for good (401, 403, 404), else empty
     */
    private Optional<Integer> stream() throws IOException, InterruptedException {
        HttpRequest.Builder request = request("api/jobs/" + job + "/events").header("Accept", "text/event-stream");
        if (lastId >= 0) {
            request.header("Last-Event-ID", Long.toString(lastId));
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                String body = reader.lines().reduce("", String::concat);
                out.println("-- HTTP " + response.statusCode() + ": " + body);
                int status = response.statusCode();
                return status == 401 || status == 403 || status == 404 ? Optional.of(1) : Optional.empty();
            }
            String id = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        dispatch(id, data.toString());
                    }
                    id = null;
                    data.setLength(0);
                } else if (!line.startsWith(":")) {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    if (field.equals("id")) {
                        id = value;
                    } else if (field.equals("data")) {
                        data.append(data.length() > 0 ? "\n" : "").append(value);
                    }
                }
            }
            return Optional.empty();
        }
    }

    private void dispatch(String id, String data) {
        if (id != null && id.matches("\\d{1,18}")) {
            lastId = Long.parseLong(id);
        }
        out.println("[" + (id == null ? "-" : id) + "] " + data);
    }

    /** @return an exit status when the job has finished and every event was seen, else empty */
    private Optional<Integer> finishedState() throws IOException, InterruptedException {
        for (int query = 0; ; query++) {
            HttpResponse<String> response = http.send(request("api/jobs/" + job).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from GET /api/jobs/" + job);
            }
            JsonNode summary = JSON.readTree(response.body()).path("job");
            String state = summary.path("state").asText("");
            long events = summary.path("events").asLong(0);
            if (lastId + 1 < events) {
                return Optional.empty();
            }
            if (state.equals("running") && summary.hasNonNull("finished_at") && query < 20) {
                // the terminal event is out but the job's state is a moment behind it
                Thread.sleep(100);
                continue;
            }
            if (state.equals("running") || state.isEmpty()) {
                return Optional.empty();
            }
            out.println("-- job " + job + " " + state + " (" + events + " events)");
            return Optional.of(state.equals("succeeded") ? 0 : 1);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return request;
    }
}
