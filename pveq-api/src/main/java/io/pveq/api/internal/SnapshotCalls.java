package io.pveq.api.internal;

import io.pveq.api.GuestRef;
import io.pveq.api.SnapshotApi;
import io.pveq.api.SnapshotOptions;
import io.pveq.api.SnapshotTree;
import io.pveq.api.TaskApi;
import io.pveq.api.TaskListener;
import io.pveq.api.TaskResult;
import io.pveq.core.InvalidSpecException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** {@link SnapshotApi} over {@link ApiHttp}, awaiting each task with {@link TaskApi}. Thread-safe. */
final class SnapshotCalls implements SnapshotApi {

    /** Proxmox's {@code pve-configid} with the snapshot name's 40 characters. */
    private static final Pattern NAME = Pattern.compile("(?i)[a-z][a-z0-9_]{1,39}");

    private final ApiHttp http;
    private final TaskApi tasks;

    SnapshotCalls(ApiHttp http, TaskApi tasks) {
        this.http = http;
        this.tasks = tasks;
    }

    /** @throws InvalidSpecException naming {@code snapname} unless Proxmox would take {@code name} */
    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidSpecException("snapname", "must start with a letter and hold only letters, digits and"
                    + " underscores (2 to 40 characters), got '" + InvalidSpecException.shorten(name) + "'");
        }
        if (name.equals("current") || name.toLowerCase(Locale.ROOT).equals("pending")) {
            throw new InvalidSpecException("snapname", "'" + name + "' is a reserved name");
        }
        return name;
    }

    @Override
    public SnapshotTree list(GuestRef guest) {
        return GuestReaders.snapshots(guest, http.call(ApiCall.get(FormParams.empty(), GuestPaths.of(guest, "snapshot"))));
    }

    @Override
    public TaskResult create(GuestRef guest, String name, SnapshotOptions options, Duration timeout,
                             TaskListener listener) {
        checkName(name);
        Objects.requireNonNull(options, "options");
        if (options.vmState() && guest.container()) {
            throw new InvalidSpecException("vmstate", "only a VM's RAM can be saved; " + guest + " is a container");
        }
        FormParams params = FormParams.empty().put("snapname", name);
        options.description().ifPresent(d -> params.put("description", d));
        if (options.vmState()) {
            params.put("vmstate", true);
        }
        return await(ApiCall.post(params, GuestPaths.of(guest, "snapshot")), timeout, listener);
    }

    @Override
    public TaskResult rollback(GuestRef guest, String name, boolean start, Duration timeout, TaskListener listener) {
        checkName(name);
        FormParams params = FormParams.empty();
        if (start) {
            params.put("start", true);
        }
        return await(ApiCall.post(params, GuestPaths.of(guest, "snapshot", name, "rollback")), timeout, listener);
    }

    @Override
    public TaskResult delete(GuestRef guest, String name, boolean force, Duration timeout, TaskListener listener) {
        checkName(name);
        FormParams params = FormParams.empty();
        if (force) {
            params.put("force", true);
        }
        return await(ApiCall.delete(params, GuestPaths.of(guest, "snapshot", name)), timeout, listener);
    }

    private TaskResult await(ApiCall call, Duration timeout, TaskListener listener) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(listener, "listener");
        return tasks.await(Upids.of(call, http.call(call)), timeout, listener);
    }
}
