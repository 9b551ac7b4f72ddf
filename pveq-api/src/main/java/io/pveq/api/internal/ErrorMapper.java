package io.pveq.api.internal;

import io.pveq.api.ApiParameterException;
import io.pveq.api.AuthenticationException;
import io.pveq.api.ConfigChangedException;
import io.pveq.api.GuestAgentUnavailableException;
import io.pveq.api.PermissionDeniedException;
import io.pveq.api.ProxmoxApiException;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.PveqException;
import io.pveq.core.VmId;
import io.pveq.core.VmLockedException;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.VmStateException;
import io.pveq.core.internal.pve.PveErrors;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an HTTP error answer of Proxmox into the pveq exception that tells the caller what to do:
 * 400 with {@code errors} names each parameter; 401 names the user; 403 names the ACL path and the
 * privilege; the texts FACTS.md lists (already exists, lock timeout, locked, missing config, storage, no
 * quorum, unknown node, wrong state) map to pveq-core's exceptions through the same recogniser the CLI
 * dialect uses; a node that cannot be reached ({@code 595}, {@code node 'x' seems to be offline}) is
 * {@link NodeUnavailableException}. Stateless.
 */
final class ErrorMapper {

    private static final Pattern AGENT_DOWN = Pattern.compile(
            "(?i)guest agent is not running|got timeout|agent .*not (running|enabled|configured)");
    private static final Pattern PERMISSION = Pattern.compile("Permission check failed \\(([^,]+), ([^)]+)\\)");
    /** pve-container's state texts, which pveq-core's recogniser (written for qm) does not know. */
    private static final Pattern CT_STATE = Pattern.compile(
            "CT (\\d+) (already running|not running)|unable to (?:destroy|restore) CT (\\d+) - container is running"
                    + "|can't overwrite running container");
    private static final Pattern CT_LOCKED = Pattern.compile("CT is locked \\(([^)]+)\\)");
    private static final Pattern OFFLINE = Pattern.compile(
            "(?i)node '([^']+)' seems to be offline|no route to host|connection refused|hostname lookup '([^']+)' failed");

    private ErrorMapper() {
    }

    /**
     * @param method  the HTTP method
     * @param path    the API path (for messages)
     * @param status  the HTTP status
     * @param reason  Proxmox's reason (status line or JSON {@code message})
     * @param errors  the parameter errors of a 400, may be empty
     * @param who     the user or token id (for 401 messages)
     * @param context the request's node and VM, when it has them
     * @return the exception to throw
     */
    static PveqException map(String method, String path, int status, String reason, Map<String, String> errors,
                             String who, CallContext context) {
        if (status == 400) {
            return new ApiParameterException(method, path, errors, reason);
        }
        if (status == 401) {
            return new AuthenticationException(method, path, who, reason);
        }
        if (status == 403) {
            Matcher m = PERMISSION.matcher(reason);
            if (path.contains("/agent/")) {
                boolean named = m.find();
                return new io.pveq.api.GuestAgentPermissionException(method, path, reason,
                        named ? m.group(1).strip() : null, named ? m.group(2).strip() : null);
            }
            return m.find() ? new PermissionDeniedException(method, path, reason, m.group(1).strip(), m.group(2).strip())
                    : new PermissionDeniedException(method, path, reason, null, null);
        }
        if (path.contains("/agent/") && AGENT_DOWN.matcher(reason).find() && !reason.contains("can't lock file")) {
            return new GuestAgentUnavailableException(method, path, status, reason);
        }
        if (reason.contains("detected modified configuration")) {
            return new ConfigChangedException(method, path, status, reason);
        }
        if (context.vmId().isPresent() && path.contains("/lxc/")) {
            Matcher locked = CT_LOCKED.matcher(reason);
            if (locked.find()) {
                return new VmLockedException(context.vmId().get(), locked.group(1));
            }
            if (CT_STATE.matcher(reason).find()) {
                return new VmStateException(context.vmId().get(), reason + " (node " + context.node().orElse("?") + ")");
            }
        }
        Optional<PveqException> known = PveErrors.recognise(reason, context.node().orElse("?"), method + " " + path,
                context.vmId());
        if (known.isPresent()) {
            return known.get();
        }
        if (status == 404 && context.vmId().isPresent() && (path.contains("/qemu/") || path.contains("/lxc/"))) {
            return new VmNotFoundException(context.vmId().get());
        }
        Matcher offline = OFFLINE.matcher(reason);
        if (status == 595 || context.node().isPresent() && offline.find()) {
            String node = context.node().orElse("?");
            return new NodeUnavailableException(node, "node " + node + " cannot be reached: " + method + " " + path
                    + " answered " + status + " " + reason);
        }
        return new ProxmoxApiException(method, path, status, reason);
    }

    /**
     * What a request is about, for messages and for the recogniser.
     *
     * @param node  the node in its path
     * @param vmId  the VM in its path
     */
    record CallContext(Optional<String> node, Optional<VmId> vmId) {
        static final CallContext NONE = new CallContext(Optional.empty(), Optional.empty());
    }
}
