package io.pveq.sim.internal.api;

import io.pveq.core.transport.OutputListener;
import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.Exec;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.state.ClusterState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API face's tasks (Proxmox's forked workers): each has a UPID of the real format, a log that
 * grows while it runs (what the equivalent CLI command prints, then {@code TASK OK},
 * {@code TASK WARNINGS: n} or {@code TASK ERROR: text}) and runs on its own thread, waiting on the
 * simulated clock. A finished task is added to the cluster's task list, where every process sharing
 * the state sees it; its log stays here (the newest {@value #KEEP} tasks). Thread-safe.
 */
final class Tasks implements AutoCloseable {

    private static final int KEEP = 2000;

    /** What a task does, on the task's {@link Exec}. */
    @FunctionalInterface
    interface Body {
        void run(Exec exec);
    }

    /** One task: record, log, state. */
    static final class Task {
        final ClusterState.TaskRecord record;
        final Exec exec;
        private final List<String> log = new ArrayList<>();
        private volatile boolean done;
        private volatile String exitStatus;
        private volatile Thread thread;
        private volatile boolean stopRequested;
        private final AtomicInteger hiddenPolls;

        private Task(ClusterState.TaskRecord record, Engine engine, List<String> argv, int hiddenPolls) {
            this.record = record;
            this.hiddenPolls = new AtomicInteger(hiddenPolls);
            OutputListener listener = (stream, line) -> append(line);
            this.exec = Exec.task(engine, record.node, argv, listener);
        }

        void append(String line) {
            synchronized (log) {
                log.add(line);
            }
        }

        /** @return a copy of the log so far */
        List<String> log() {
            synchronized (log) {
                return List.copyOf(log);
            }
        }

        boolean done() {
            return done;
        }

        /** @return {@code OK}, {@code WARNINGS: n} or the error text once done */
        Optional<String> exitStatus() {
            return Optional.ofNullable(exitStatus);
        }

        /** @return true when this poll should still answer "no such task" (the not-yet-visible window) */
        boolean hiddenFromPoll() {
            return hiddenPolls.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        }
    }

    private final Engine engine;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final int hiddenPolls;

    Tasks(Engine engine, int hiddenPolls) {
        this.engine = engine;
        this.hiddenPolls = hiddenPolls;
        AtomicInteger ids = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "pveq-sim-task-" + ids.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Prepares a task (its UPID and {@link Exec}) without starting it: the caller may run the
     * operation's synchronous checks on {@link Task#exec} first and drop the task when they fail.
     */
    Task prepare(String node, String type, String id, String user, List<String> argv) {
        ClusterState.TaskRecord record = engine.newTask(node, type, id, user, engine.time().nowMillis());
        return new Task(record, engine, argv, hiddenPolls);
    }

    /** Starts a prepared task in the background. @return its UPID */
    String start(Task task, Body body) {
        tasks.put(task.record.upid, task);
        trim();
        workers.execute(() -> run(task, body));
        return task.record.upid;
    }

    private void run(Task task, Body body) {
        String status;
        synchronized (task) {
            task.thread = Thread.currentThread();
        }
        try {
            if (task.stopRequested) {
                throw new Failure("received interrupt");
            }
            body.run(task.exec);
            long warnings = task.log().stream().filter(line -> line.startsWith("WARN: ")).count();
            status = warnings > 0 ? "WARNINGS: " + warnings : "OK";
            task.append(warnings > 0 ? "TASK WARNINGS: " + warnings : "TASK OK");
        } catch (Failure failure) {
            status = failure.getMessage().strip();
            String[] lines = status.split("\n");
            for (int i = 0; i < lines.length - 1; i++) {
                task.append(lines[i]);
            }
            task.append("TASK ERROR: " + lines[lines.length - 1]);
        } catch (RuntimeException e) {
            boolean interrupted = Thread.currentThread().isInterrupted();
            status = interrupted ? "received interrupt" : "pveq-sim internal error: " + e;
            task.append("TASK ERROR: " + status);
        }
        String last = status.contains("\n") ? status.substring(status.lastIndexOf('\n') + 1) : status;
        try {
            engine.finishTask(task.record, last);
        } finally {
            synchronized (task) {
                task.exitStatus = last;
                task.done = true;
                task.thread = null;
            }
            Thread.interrupted();
        }
    }

    Optional<Task> get(String upid) {
        return Optional.ofNullable(tasks.get(upid));
    }

    /** @return the tasks still running */
    Collection<Task> running() {
        return tasks.values().stream().filter(t -> !t.done()).toList();
    }

    /** Interrupts a running task (its operation ends with {@code received interrupt}). */
    boolean stop(String upid) {
        Task task = tasks.get(upid);
        if (task == null || task.done()) {
            return false;
        }
        synchronized (task) {
            task.stopRequested = true;
            if (!task.done && task.thread != null) {
                task.thread.interrupt();
            }
        }
        return true;
    }

    private void trim() {
        if (tasks.size() <= KEEP) {
            return;
        }
        tasks.values().stream().filter(Task::done)
                .sorted((a, b) -> Long.compare(a.record.starttime, b.record.starttime))
                .limit(tasks.size() - KEEP)
                .toList()
                .forEach(t -> tasks.remove(t.record.upid));
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
