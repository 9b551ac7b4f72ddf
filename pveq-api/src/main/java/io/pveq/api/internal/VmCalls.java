package io.pveq.api.internal;

import io.pveq.api.ApiConnectionException;
import io.pveq.api.CacheKind;
import io.pveq.api.CloneSpec;
import io.pveq.api.CloudInitSection;
import io.pveq.api.MigrateSpec;
import io.pveq.api.PermissionDeniedException;
import io.pveq.api.TaskApi;
import io.pveq.api.TaskSummary;
import io.pveq.api.Upid;
import io.pveq.api.VmApi;
import io.pveq.api.VmConfig;
import io.pveq.api.VmConfigUpdate;
import io.pveq.api.VmCreateSpec;
import io.pveq.api.VmCurrentStatus;
import io.pveq.core.DiskSize;
import io.pveq.core.InvalidSpecException;
import io.pveq.core.NodeName;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.VmNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link VmApi} over {@link ApiHttp}. A create whose answer is lost is resolved by looking, never by
 * sending it again: when the VM exists and the cluster's recent tasks hold a {@code qmcreate} of that
 * VMID by this client's user started since the request (less 30 s of clock skew), that task's UPID is the
 * answer; when the VM does not exist, the create was not carried out; when it exists without such a
 * task, someone else holds the VMID. Thread-safe.
 */
final class VmCalls implements VmApi {

    private static final Logger LOG = LoggerFactory.getLogger(VmCalls.class);
    private static final Pattern DISK = Pattern.compile(
            "ide[0-3]|sata[0-5]|scsi([0-9]|[12][0-9]|30)|virtio([0-9]|1[0-5])|efidisk0|tpmstate0");
    /** How far the server's clock may be behind ours when matching a task to a lost create. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(30);

    private final ApiHttp http;
    private final TaskApi tasks;
    private final Supplier<String> who;

    VmCalls(ApiHttp http, TaskApi tasks, Supplier<String> who) {
        this.http = http;
        this.tasks = tasks;
        this.who = who;
    }

    private static String[] path(NodeName node, VmId vmId, String... rest) {
        String[] segments = new String[4 + rest.length];
        segments[0] = "nodes";
        segments[1] = node.value();
        segments[2] = "qemu";
        segments[3] = vmId.toString();
        System.arraycopy(rest, 0, segments, 4, rest.length);
        return segments;
    }

    private Upid task(ApiCall call) {
        return Upids.of(call, http.call(call));
    }

    @Override
    public Upid create(NodeName node, VmCreateSpec spec) {
        ApiCall call = ApiCall.post(VmParams.create(spec), "nodes", node.value(), "qemu");
        Instant sent = http.clock().instant();
        try {
            return task(call);
        } catch (ApiConnectionException e) {
            if (!e.mayHaveBeenApplied()) {
                throw e;
            }
            return resolveLostCreate(node, spec.vmId(), sent, e);
        } catch (PermissionDeniedException e) {
            if (e.privilege().isPresent()) {
                throw e;
            }
            // qemu-server refuses a create without VM.Allocate with a bare "Permission check failed";
            // its other checks (storage, bridge, start) name what they miss
            throw new PermissionDeniedException(e.method(), e.path(), e.reason().strip(), "/vms/" + spec.vmId(),
                    "VM.Allocate");
        }
    }

    private Upid resolveLostCreate(NodeName node, VmId vmId, Instant sent, ApiConnectionException lost) {
        String user = who.get();
        Instant since = sent.minus(CLOCK_SLACK);
        Optional<Upid> task = tasks.recent().stream().map(TaskSummary::upid)
                .filter(u -> u.type().equals("qmcreate") && u.id().equals(vmId.toString()) && u.node().equals(node)
                        && u.user().equals(user) && !u.startTime().isBefore(since))
                .max(Comparator.comparing(Upid::startTime));
        boolean exists;
        try {
            config(node, vmId);
            exists = true;
        } catch (VmNotFoundException e) {
            exists = false;
        }
        if (!exists) {
            // a create task of ours without the VM is an earlier create of a reused VMID, or one that failed
            throw new ApiConnectionException("the create of VM " + vmId + " on node " + node + " got no answer, and"
                    + " the VM does not exist: it was not carried out and may be sent again", false, lost);
        }
        if (task.isPresent()) {
            LOG.info("the answer to the create of VM {} on {} was lost; found its task {}", vmId, node, task.get());
            return task.get();
        }
        throw new VmExistsException(vmId, node.value());
    }

    @Override
    public VmConfig config(NodeName node, VmId vmId) {
        return Readers.vmConfig(vmId, http.call(ApiCall.get(CacheKind.VM_CONFIG, FormParams.empty(),
                path(node, vmId, "config"))));
    }

    @Override
    public void updateConfig(NodeName node, VmId vmId, VmConfigUpdate update) {
        FormParams params = VmParams.update(update);
        if (params.isEmpty()) {
            throw new InvalidSpecException("update", "sets and deletes nothing");
        }
        http.call(ApiCall.put(params, path(node, vmId, "config")));
    }

    @Override
    public Upid updateConfigAsync(NodeName node, VmId vmId, VmConfigUpdate update) {
        FormParams params = VmParams.update(update);
        if (params.isEmpty()) {
            throw new InvalidSpecException("update", "sets and deletes nothing");
        }
        return task(ApiCall.post(params, path(node, vmId, "config")));
    }

    @Override
    public Upid delete(NodeName node, VmId vmId, boolean purge) {
        FormParams params = FormParams.empty();
        if (purge) {
            params.put("purge", true).put("destroy-unreferenced-disks", true);
        }
        return task(ApiCall.delete(params, path(node, vmId)));
    }

    @Override
    public VmCurrentStatus status(NodeName node, VmId vmId) {
        return Readers.vmStatus(vmId, http.call(ApiCall.get(CacheKind.VM_STATUS, FormParams.empty(),
                path(node, vmId, "status", "current"))));
    }

    private Upid power(NodeName node, VmId vmId, String action, FormParams params) {
        return task(ApiCall.post(params, path(node, vmId, "status", action)));
    }

    @Override
    public Upid start(NodeName node, VmId vmId) {
        return power(node, vmId, "start", FormParams.empty());
    }

    @Override
    public Upid stop(NodeName node, VmId vmId) {
        return power(node, vmId, "stop", FormParams.empty());
    }

    @Override
    public Upid shutdown(NodeName node, VmId vmId, Optional<Duration> timeout, boolean forceStop) {
        FormParams params = FormParams.empty();
        timeout.ifPresent(t -> params.put("timeout", Math.max(1, t.toSeconds())));
        if (forceStop) {
            params.put("forceStop", true);
        }
        return power(node, vmId, "shutdown", params);
    }

    @Override
    public Upid reboot(NodeName node, VmId vmId) {
        return power(node, vmId, "reboot", FormParams.empty());
    }

    @Override
    public Upid reset(NodeName node, VmId vmId) {
        return power(node, vmId, "reset", FormParams.empty());
    }

    @Override
    public Upid suspend(NodeName node, VmId vmId) {
        return power(node, vmId, "suspend", FormParams.empty());
    }

    @Override
    public Upid resume(NodeName node, VmId vmId) {
        return power(node, vmId, "resume", FormParams.empty());
    }

    @Override
    public Upid migrate(NodeName node, VmId vmId, MigrateSpec spec) {
        return task(ApiCall.post(VmParams.migrate(spec), path(node, vmId, "migrate")));
    }

    @Override
    public Upid resize(NodeName node, VmId vmId, String disk, DiskSize size) {
        return resize(node, vmId, disk, size.toString());
    }

    @Override
    public Upid grow(NodeName node, VmId vmId, String disk, DiskSize increment) {
        return resize(node, vmId, disk, "+" + increment);
    }

    private Upid resize(NodeName node, VmId vmId, String disk, String size) {
        if (disk == null || !DISK.matcher(disk).matches()) {
            throw new InvalidSpecException("disk", "must be a disk slot such as scsi0, got '"
                    + InvalidSpecException.shorten(disk) + "'");
        }
        return task(ApiCall.put(FormParams.empty().put("disk", disk).put("size", size), path(node, vmId, "resize")));
    }

    @Override
    public Upid cloneVm(NodeName node, VmId vmId, CloneSpec spec) {
        return task(ApiCall.post(VmParams.clone(spec), path(node, vmId, "clone")));
    }

    @Override
    public Upid template(NodeName node, VmId vmId) {
        return task(ApiCall.post(FormParams.empty(), path(node, vmId, "template")));
    }

    @Override
    public String cloudInitDump(NodeName node, VmId vmId, CloudInitSection section) {
        return http.call(ApiCall.get(FormParams.empty().put("type", section.word()),
                path(node, vmId, "cloudinit", "dump"))).asText();
    }
}
