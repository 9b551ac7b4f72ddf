package io.pveq.core.internal.pve;

import io.pveq.core.ClusterUnavailableException;
import io.pveq.core.CommandFailedException;
import io.pveq.core.LockTimeoutException;
import io.pveq.core.NodeName;
import io.pveq.core.NodeUnavailableException;
import io.pveq.core.PveqException;
import io.pveq.core.StorageException;
import io.pveq.core.VmExistsException;
import io.pveq.core.VmId;
import io.pveq.core.VmLockedException;
import io.pveq.core.VmNotFoundException;
import io.pveq.core.VmStateException;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed Proxmox command into the pveq exception that tells the caller what to do, from the
 * error texts listed in FACTS.md ("Error texts worth recognising"); anything else becomes a
 * {@link CommandFailedException} with a redacted stderr tail. Also decides what counts as failure:
 * a non-zero exit, and for {@code qm resize} an exit 0 with an error on stderr. {@code WARN:} lines,
 * Perl warnings and {@code Task finished with N warning(s)!} with exit 0 are success. Stateless and
 * thread-safe.
 */
public final class PveErrors {

    /** How much of stderr an exception keeps. */
    static final int TAIL_CHARS = 600;

    private static final Pattern EXISTS = Pattern.compile("(?:VM|CT) (\\d+) already exists on node '([^']*)'");
    private static final Pattern NO_CONFIG = Pattern.compile(
            "Configuration file '[^']*/(\\d+)\\.conf' does not exist");
    private static final Pattern LOCKED = Pattern.compile("VM is locked \\(([^)]+)\\)");
    private static final Pattern LOCK_TIMEOUT = Pattern.compile(
            "can't lock file '[^']*?(?:lock-(\\d+)\\.conf)?' - got timeout");
    private static final Pattern STORAGE = Pattern.compile("storage '([^']+)' (does not exist|is disabled)");
    private static final Pattern NO_QUORUM = Pattern.compile("cluster not ready - no quorum\\?");
    private static final Pattern NO_NODE = Pattern.compile("no such cluster node '([^']*)'");
    private static final Pattern STATE = Pattern.compile(
            "(?:VM (\\d+) (already running|not running|is running - destroy failed))"
                    + "|(can't migrate running VM without --online)|(VM quit/powerdown failed - got timeout)");
    private static final Pattern SECRET_ECHO = Pattern.compile("(-{1,2}cipassword[ =])\\S+");
    private static final Pattern BENIGN = Pattern.compile(
            "\\s*|WARN: .*|warning: .*|.* at /usr/share/perl5/.* line \\d+\\.?|trying to acquire lock\\.\\.\\.(\\s*OK)?"
                    + "|\\s*OK|Task finished with \\d+ warning\\(s\\)!|Use of uninitialized value.*");

    private PveErrors() {
    }

    /**
     * @param result          the finished command
     * @param exitZeroMayFail true for commands (resize) that report task errors on stderr with exit 0
     * @return true when the command failed
     */
    public static boolean failed(CommandResult result, boolean exitZeroMayFail) {
        if (!result.succeeded()) {
            return true;
        }
        if (!exitZeroMayFail) {
            return false;
        }
        for (String line : result.stderr().split("\\R")) {
            if (!BENIGN.matcher(line).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Classifies a failed command.
     *
     * @param node    the node it ran on
     * @param request what ran (its secret values are removed from the message)
     * @param result  its result
     * @param vmId    the VM the command was about, if any (used when the text names none)
     * @return the exception to throw
     */
    public static PveqException classify(NodeName node, CommandRequest request, CommandResult result,
                                         Optional<VmId> vmId) {
        String stderr = result.stderr();
        String text = stderr.isBlank() ? result.stdout() : stderr;
        return recognise(text, node.value(), "`" + request.displayLine() + "`", vmId)
                .orElseGet(() -> new CommandFailedException(node.value(), request.displayLine(), result.exitCode(),
                        redactedTail(request, text)));
    }

    /**
     * Recognises one of Proxmox's error texts (FACTS.md), whichever dialect carried it: a command's
     * stderr or the reason of an HTTP answer of the REST API.
     *
     * @param text    the error text
     * @param node    the node that answered (for messages)
     * @param context what was asked, for messages: a command line or {@code POST /nodes/pve1/qemu}
     * @param vmId    the VM the request was about, if any (used when the text names none)
     * @return the exception that tells the caller what to do, or empty when the text is not recognised
     */
    public static Optional<PveqException> recognise(String text, String node, String context, Optional<VmId> vmId) {
        Matcher m = LOCK_TIMEOUT.matcher(text);
        if (m.find()) {
            Optional<VmId> id = m.group(1) != null ? vmIdOf(m.group(1)) : vmId;
            if (id.isPresent()) {
                return Optional.of(new LockTimeoutException(id.get()));
            }
        }
        m = EXISTS.matcher(text);
        if (m.find() && vmIdOf(m.group(1)).isPresent()) {
            return Optional.of(new VmExistsException(vmIdOf(m.group(1)).get(), m.group(2)));
        }
        m = NO_CONFIG.matcher(text);
        if (m.find()) {
            Optional<VmId> id = vmIdOf(m.group(1)).or(() -> vmId);
            if (id.isPresent()) {
                return Optional.of(new VmNotFoundException(id.get()));
            }
        }
        m = LOCKED.matcher(text);
        if (m.find() && vmId.isPresent()) {
            return Optional.of(new VmLockedException(vmId.get(), m.group(1)));
        }
        m = STORAGE.matcher(text);
        if (m.find()) {
            return Optional.of(new StorageException(m.group(1), "storage '" + m.group(1) + "' " + m.group(2)
                    + " on node " + node + " (" + context + ")"));
        }
        if (NO_QUORUM.matcher(text).find()) {
            return Optional.of(new ClusterUnavailableException("cluster not ready - no quorum (node " + node + ", "
                    + context + ")"));
        }
        m = NO_NODE.matcher(text);
        if (m.find()) {
            return Optional.of(new NodeUnavailableException(m.group(1), "no such cluster node '" + m.group(1)
                    + "' (asked node " + node + ")"));
        }
        m = STATE.matcher(text);
        if (m.find()) {
            Optional<VmId> id = m.group(1) != null ? vmIdOf(m.group(1)).or(() -> vmId) : vmId;
            if (id.isPresent()) {
                return Optional.of(new VmStateException(id.get(), m.group().strip() + " (node " + node + ")"));
            }
        }
        return Optional.empty();
    }

    /**
     * @return the last {@value #TAIL_CHARS} characters of {@code text}, trimmed, with the request's secret
     *         values and any echoed {@code cipassword} value replaced by {@code <hidden>}
     */
    static String redactedTail(CommandRequest request, String text) {
        String redacted = text;
        for (int index : request.secretArgs()) {
            String secret = request.argv().get(index);
            if (!secret.isEmpty()) {
                redacted = redacted.replace(secret, "<hidden>");
            }
        }
        redacted = SECRET_ECHO.matcher(redacted).replaceAll("$1<hidden>").strip();
        return redacted.length() <= TAIL_CHARS ? redacted
                : "..." + redacted.substring(redacted.length() - TAIL_CHARS);
    }

    private static Optional<VmId> vmIdOf(String digits) {
        try {
            return Optional.of(VmId.parse("vmid", digits));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
