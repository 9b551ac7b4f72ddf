package io.pveq.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pveq.api.ApiParameterException;
import io.pveq.api.CacheKind;
import io.pveq.api.ProxmoxApiException;
import io.pveq.api.TaskApi;
import io.pveq.api.TaskEvent;
import io.pveq.api.TaskFailedException;
import io.pveq.api.TaskListener;
import io.pveq.api.TaskOutcome;
import io.pveq.api.TaskResult;
import io.pveq.api.TaskStatus;
import io.pveq.api.TaskSummary;
import io.pveq.api.TaskTimeoutException;
import io.pveq.api.Upid;
import io.pveq.core.PveqException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TaskApi} over {@link ApiHttp}: status, log pages, stop, and awaiting a task by polling its
 * status (from a short pause growing to a longer one) and reading the log incrementally after each poll,
 * so that once the status says stopped the whole log has been handed to the listener. Thread-safe.
 */
final class TaskCalls implements TaskApi {

    static final int LOG_PAGE = 500;
    static final int TAIL_LINES = 20;
    /** Polls during which a task that is not visible yet is waited for. */
    static final int INVISIBLE_POLLS = 25;

    private static final Logger LOG = LoggerFactory.getLogger(TaskCalls.class);

    private final ApiHttp http;
    private final Duration firstPoll;
    private final Duration maxPoll;
    private final Executor executor;

    TaskCalls(ApiHttp http, Duration firstPoll, Duration maxPoll, Executor executor) {
        this.http = http;
        this.firstPoll = firstPoll;
        this.maxPoll = maxPoll;
        this.executor = executor;
    }

    @Override
    public TaskStatus status(Upid upid) {
        JsonNode data = http.call(ApiCall.get(FormParams.empty(), "nodes", upid.node().value(), "tasks", upid.value(),
                "status"));
        boolean running = Json.text(data, "status", "").equals("running");
        Optional<TaskOutcome> outcome = running ? Optional.empty()
                : Optional.of(TaskOutcome.of(Json.text(data, "exitstatus", "unknown exit status")));
        return new TaskStatus(upid, running, outcome);
    }

    @Override
    public List<TaskEvent.LogLine> log(Upid upid, int start, int limit) {
        JsonNode data = http.call(ApiCall.get(FormParams.empty().put("start", start).put("limit", limit), "nodes",
                upid.node().value(), "tasks", upid.value(), "log"));
        List<TaskEvent.LogLine> lines = new ArrayList<>();
        for (JsonNode line : data) {
            lines.add(new TaskEvent.LogLine(upid, (int) Json.integer(line, "n", start + lines.size() + 1),
                    Json.text(line, "t", "")));
        }
        // Proxmox answers an empty log with one placeholder line
        if (start == 0 && lines.size() == 1 && lines.get(0).text().equals("no content")) {
            return List.of();
        }
        return List.copyOf(lines);
    }

    @Override
    public void stop(Upid upid) {
        http.call(ApiCall.delete(FormParams.empty(), "nodes", upid.node().value(), "tasks", upid.value()));
    }

    @Override
    public TaskResult await(Upid upid, Duration timeout, TaskListener listener) {
        Objects.requireNonNull(upid, "upid");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(listener, "listener");
        Instant deadline = http.clock().instant().plus(timeout);
        Deque<String> tail = new ArrayDeque<>();
        int offset = 0;
        int invisible = 0;
        Duration pause = firstPoll;
        while (true) {
            Optional<TaskStatus> status = Optional.empty();
            try {
                status = Optional.of(status(upid));
            } catch (ApiParameterException | ProxmoxApiException e) {
                if (!notVisibleYet(e) || ++invisible > INVISIBLE_POLLS) {
                    throw e;
                }
            }
            if (status.isPresent()) {
                offset = drainLog(upid, offset, tail, listener);
                if (!status.get().running()) {
                    TaskOutcome outcome = status.get().outcome().orElseThrow();
                    if (outcome instanceof TaskOutcome.Failed failed) {
                        throw new TaskFailedException(upid, failed.error(), List.copyOf(tail));
                    }
                    return new TaskResult(upid, outcome, List.copyOf(tail));
                }
            }
            if (!http.clock().instant().isBefore(deadline)) {
                throw new TaskTimeoutException(upid, timeout);
            }
            sleep(pause, upid);
            pause = pause.multipliedBy(3).dividedBy(2);
            if (pause.compareTo(maxPoll) > 0) {
                pause = maxPoll;
            }
        }
    }

    private static boolean notVisibleYet(RuntimeException e) {
        if (e instanceof ApiParameterException) {
            return true;
        }
        ProxmoxApiException api = (ProxmoxApiException) e;
        return api.status() == 404 || api.status() == 500 && api.reason().toLowerCase(java.util.Locale.ROOT).contains("no such task");
    }

    private int drainLog(Upid upid, int offset, Deque<String> tail, TaskListener listener) {
        int next = offset;
        while (true) {
            List<TaskEvent.LogLine> lines = log(upid, next, LOG_PAGE);
            for (TaskEvent.LogLine line : lines) {
                tell(listener, line);
                TaskProgress.parse(upid, line.text()).ifPresent(p -> tell(listener, p));
                tail.addLast(line.text());
                if (tail.size() > TAIL_LINES) {
                    tail.removeFirst();
                }
            }
            next = lines.isEmpty() ? next : Math.max(next + lines.size(), lines.get(lines.size() - 1).number());
            if (lines.size() < LOG_PAGE) {
                return next;
            }
        }
    }

    private static void tell(TaskListener listener, TaskEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("task listener threw on {} (ignored): {}", event, e.toString());
        }
    }

    private static void sleep(Duration pause, Upid upid) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PveqException("interrupted while awaiting task " + upid, e);
        }
    }

    @Override
    public CompletableFuture<TaskResult> awaitAsync(Upid upid, Duration timeout, TaskListener listener) {
        return CompletableFuture.supplyAsync(() -> await(upid, timeout, listener), executor);
    }

    @Override
    public List<TaskSummary> recent() {
        return Readers.tasks(http.call(ApiCall.get(CacheKind.CLUSTER_TASKS, FormParams.empty(), "cluster", "tasks")));
    }
}
