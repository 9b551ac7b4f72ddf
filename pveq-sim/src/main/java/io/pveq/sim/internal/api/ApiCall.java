package io.pveq.sim.internal.api;

import io.pveq.sim.SimFault;
import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.Exec;
import io.pveq.sim.internal.Failure;
import io.pveq.sim.internal.PveshData;
import io.pveq.sim.internal.state.ClusterState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One verified API request as a handler sees it: the endpoint, the parameters (path variables
 * included, booleans as {@code 1}/{@code 0}), the caller ({@code root@pam}, {@code alice@pve},
 * {@code alice@pve!ci}) and the server's context.
 */
final class ApiCall {

    private final ApiContext context;
    private final Endpoint endpoint;
    private final Map<String, String> params;
    private final Map<String, List<String>> arrays;
    private final String authid;
    private final boolean token;
    private final Optional<Multipart.FilePart> upload;
    /** A fault matched by the CLI twin of a task endpoint: the task carries it out. */
    private final Optional<SimFault> taskFault;

    ApiCall(ApiContext context, Endpoint endpoint, Map<String, String> params, Map<String, List<String>> arrays,
            String authid, boolean token, Optional<Multipart.FilePart> upload, Optional<SimFault> taskFault) {
        this.taskFault = taskFault;
        this.context = context;
        this.endpoint = endpoint;
        this.params = params;
        this.arrays = arrays;
        this.authid = authid;
        this.token = token;
        this.upload = upload;
    }

    ApiContext context() {
        return context;
    }

    Engine engine() {
        return context.engine();
    }

    PveshData data() {
        return context.engine().data();
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** @return every parameter (a copy is not made: do not modify) */
    Map<String, String> params() {
        return params;
    }

    /** @return the values of an array parameter */
    List<String> array(String name) {
        return arrays.getOrDefault(name, List.of());
    }

    /** @return a parameter the schema requires (verified present) */
    String param(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalStateException("parameter " + name + " was not verified as present");
        }
        return value;
    }

    Optional<String> optional(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** @return true when a boolean parameter is set to 1 */
    boolean flag(String name) {
        return "1".equals(params.get(name));
    }

    int vmid() {
        return Integer.parseInt(param("vmid"));
    }

    /** @return the {@code node} path variable */
    String node() {
        return param("node");
    }

    /** @return the caller's auth id */
    String authid() {
        return authid;
    }

    /** @return true when the caller authenticated with an API token */
    boolean token() {
        return token;
    }

    /** @return true for {@code root@pam} itself (a password ticket; never a token) */
    boolean root() {
        return authid.equals(Access.ROOT);
    }

    Optional<Multipart.FilePart> upload() {
        return upload;
    }

    /** @return the node doing the work: the {@code node} parameter, else the serving node */
    String workNode() {
        return params.getOrDefault("node", context.node());
    }

    /** @return the equivalent CLI command line of this call */
    List<String> cliArgv() {
        return endpoint.cli().map(f -> f.apply(this))
                .orElse(List.of("pvesh", endpoint.method().toLowerCase(java.util.Locale.ROOT), endpoint.template()));
    }

    /**
     * Prepares this call's task: its UPID and its {@link Exec}, on which the synchronous checks may
     * run before {@link #start}. A task that is never started leaves no trace.
     */
    Tasks.Task prepareTask(String type, String id) {
        return context.tasks().prepare(workNode(), type, id, authid, cliArgv());
    }

    /** Starts a prepared task. @return its UPID */
    String start(Tasks.Task task, Tasks.Body body) {
        return start(task, body, () -> { });
    }

    /**
     * Starts a prepared task whose failure must be cleaned up after (a create's claimed VMID).
     *
     * @param onFailure runs when the task's work (or the fault injected in its place) fails
     * @return its UPID
     */
    String start(Tasks.Task task, Tasks.Body body, Runnable onFailure) {
        Tasks.Body effective = body;
        if (taskFault.isPresent()) {
            SimFault fault = taskFault.get();
            if (fault instanceof SimFault.Fail fail) {
                effective = exec -> {
                    throw new Failure(fail.stderr());
                };
            } else if (fault instanceof SimFault.LockTimeout) {
                String vmid = params.getOrDefault("vmid", "0");
                effective = exec -> {
                    exec.errPart("trying to acquire lock...");
                    exec.pause(Engine.LOCK_TIMEOUT);
                    throw new Failure("can't lock file '/var/lock/qemu-server/lock-" + vmid + ".conf' - got timeout");
                };
            } else if (fault instanceof SimFault.Delay delay) {
                Tasks.Body work = body;
                effective = exec -> {
                    exec.pause(delay.nominal());
                    work.run(exec);
                };
            }
        }
        Tasks.Body chosen = effective;
        return context.tasks().start(task, exec -> {
            try {
                chosen.run(exec);
            } catch (RuntimeException e) {
                onFailure.run();
                throw e;
            }
        });
    }

    /** Prepares and starts a task in one step (no synchronous checks on its Exec). */
    String task(String type, String id, Tasks.Body body) {
        return start(prepareTask(type, id), body);
    }

    <T> T read(Function<ClusterState, T> reader) {
        return context.engine().store().read(reader);
    }

    /** 403 unless the caller holds every privilege on {@code path}. */
    void check(String path, String... privileges) {
        read(state -> {
            context.access().check(state.access, authid, path, List.of(privileges), false);
            return null;
        });
    }

    /** 403 unless the caller holds one of the privileges on {@code path}. */
    void checkAny(String path, String... privileges) {
        read(state -> {
            context.access().check(state.access, authid, path, List.of(privileges), true);
            return null;
        });
    }

    /** @return true when the caller holds every privilege on {@code path} */
    boolean has(String path, String... privileges) {
        return read(state -> context.access().has(state.access, authid, path, List.of(privileges), false));
    }
}
