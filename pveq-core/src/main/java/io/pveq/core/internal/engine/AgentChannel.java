package io.pveq.core.internal.engine;

import io.pveq.core.GuestAccessException;
import io.pveq.core.PveqException;
import io.pveq.core.Secret;
import io.pveq.core.guest.GuestAccess;
import io.pveq.core.guest.GuestScript;
import io.pveq.core.internal.cluster.AgentExec;
import io.pveq.core.internal.cluster.ProxmoxOps;
import io.pveq.core.transport.OutputListener;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link GuestChannel} through the QEMU guest agent, over the REST API: no network path from pveq to the
 * guest is needed. Ready means the agent answers its ping. A script runs with {@code agent/exec} as
 * {@code /bin/sh -s}; the script, its arguments and its secret standard input all travel in
 * {@code input-data} (base64 inside a small fixed wrapper), never on a command line. A reboot is Proxmox's
 * ({@code status/reboot}); "SSH is ready" is checked inside the guest (sshd listening on port 22).
 * Thread-safe.
 */
final class AgentChannel implements GuestChannel {

    /** Proxmox's limit on {@code input-data}. */
    static final int MAX_INPUT = 64 * 1024;
    /** sshd listening on port 22, from the kernel's own table (no ss/netstat needed); fixed text. */
    static final String SSHD_LISTENING = "grep -Eq '^ *[0-9]+: [0-9A-F]+:0016 [0-9A-F]+:[0-9A-F]+ 0A'"
            + " /proc/net/tcp /proc/net/tcp6 2>/dev/null";
    private static final Duration FIRST_WAIT = Duration.ofMillis(250);
    private static final Duration MAX_WAIT = Duration.ofSeconds(2);

    private final ProxmoxOps ops;
    private final Retry retry;
    private final Clock clock;
    private final Duration rebootTimeout;

    AgentChannel(ProxmoxOps ops, Retry retry, Clock clock, Duration rebootTimeout) {
        this.ops = ops;
        this.retry = retry;
        this.clock = clock;
        this.rebootTimeout = rebootTimeout;
    }

    @Override
    public String mechanism() {
        return "agent";
    }

    @Override
    public Optional<String> authorizedKey() {
        return Optional.empty();
    }

    @Override
    public boolean canReach(Target target) {
        return target.agent();
    }

    @Override
    public String unreachableBecause(Target target) {
        return "the guest agent is not enabled in the VM's config (agent: 1); not waiting for the guest";
    }

    @Override
    public Optional<String> awaitReady(Target target, Duration deadline, GuestAccess.ReadinessListener listener) {
        Instant began = clock.instant();
        Duration pause = FIRST_WAIT;
        for (int attempt = 1; ; attempt++) {
            String outcome;
            try {
                if (ops.agentPing(target.node(), target.vmId())) {
                    listener.onReady(null, elapsed(began));
                    return Optional.empty();
                }
                outcome = "guest agent not answering yet";
            } catch (PveqException e) {
                outcome = String.valueOf(e.getMessage());
            }
            pause = waitOrGiveUp(target, began, deadline, attempt, outcome, pause, listener, "its guest agent answering");
        }
    }

    private Duration waitOrGiveUp(Target target, Instant began, Duration deadline, int attempt, String outcome,
                                  Duration pause, GuestAccess.ReadinessListener listener, String awaited) {
        Duration elapsed = elapsed(began);
        listener.onAttempt(attempt, elapsed, outcome);
        Duration left = deadline.minus(elapsed);
        if (left.isNegative() || left.isZero()) {
            throw new GuestAccessException("VM " + target.vmId() + " on " + target.node() + " did not get to " + awaited
                    + " within " + deadline.toMillis() + " ms: " + outcome);
        }
        retry.pause("for VM " + target.vmId() + " to get to " + awaited, pause.compareTo(left) < 0 ? pause : left);
        Duration doubled = pause.multipliedBy(2);
        return doubled.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : doubled;
    }

    private Duration elapsed(Instant began) {
        Duration d = Duration.between(began, clock.instant());
        return d.isNegative() ? Duration.ZERO : d;
    }

    @Override
    public Optional<String> awaitSsh(Target target, Duration deadline, GuestAccess.ReadinessListener listener) {
        Instant began = clock.instant();
        awaitReady(target, deadline, new GuestAccess.ReadinessListener() {
            @Override
            public void onAttempt(int attempt, Duration elapsed, String outcome) {
                listener.onAttempt(attempt, elapsed, outcome);
            }
        });
        Duration pause = FIRST_WAIT;
        for (int attempt = 1; ; attempt++) {
            String outcome;
            try {
                AgentExec done = run(target, List.of("/bin/sh", "-c", SSHD_LISTENING), Optional.empty(),
                        deadline.minus(elapsed(began)));
                if (done.exitCode().orElse(1) == 0) {
                    listener.onReady(null, elapsed(began));
                    return Optional.empty();
                }
                outcome = "sshd not listening on port 22 yet";
            } catch (PveqException e) {
                outcome = String.valueOf(e.getMessage());
            }
            pause = waitOrGiveUp(target, began, deadline, attempt, outcome, pause, listener, "SSH answering");
        }
    }

    @Override
    public int runScript(Target target, GuestScript script, Duration timeout, OutputListener output) {
        String input = wrapper(script);
        if (input.length() > MAX_INPUT) {
            throw new GuestAccessException("script " + script.name() + " is too large for the guest agent ("
                    + input.length() + " bytes with its wrapper; Proxmox takes at most " + MAX_INPUT + ")");
        }
        AgentExec done = run(target, List.of("/bin/sh", "-s"), Optional.of(Secret.of(input)), timeout);
        lines(done.stdout(), OutputListener.Stream.STDOUT, output);
        lines(done.stderr(), OutputListener.Stream.STDERR, output);
        return done.exitCode().orElseThrow(() -> new GuestAccessException("script " + script.name() + " in VM "
                + target.vmId() + " ended without an exit code (killed by a signal?)"));
    }

    private AgentExec run(Target target, List<String> command, Optional<Secret> input, Duration timeout) {
        Instant began = clock.instant();
        int pid = ops.agentExec(target.node(), target.vmId(), command, input);
        Duration pause = Duration.ofMillis(100);
        while (true) {
            AgentExec status = ops.agentExecStatus(target.node(), target.vmId(), pid);
            if (status.exited()) {
                return status;
            }
            if (elapsed(began).compareTo(timeout) >= 0) {
                throw new GuestAccessException(command.get(0) + " (pid " + pid + ") in VM " + target.vmId()
                        + " did not end within " + timeout.toMillis() + " ms");
            }
            retry.pause("for a command in VM " + target.vmId(), pause);
            pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1)
                    : pause.multipliedBy(2);
        }
    }

    private static void lines(String text, OutputListener.Stream stream, OutputListener output) {
        if (text.isEmpty()) {
            return;
        }
        for (String line : text.split("\\R")) {
            try {
                output.onLine(stream, line);
            } catch (RuntimeException e) {
                // listeners must not throw; dropped
            }
        }
    }

    /**
     * The shell program sent as {@code input-data}: writes the script (base64) to a private temporary
     * folder, runs it with its arguments and environment, its standard input the secret (base64) or
     * nothing, and removes the folder. Every value is base64 or single-quoted.
     */
    static String wrapper(GuestScript script) {
        StringBuilder s = new StringBuilder();
        s.append("d=$(mktemp -d) || exit 97\n");
        s.append("trap 'rm -rf \"$d\"' EXIT\n");
        s.append("base64 -d > \"$d/script\" <<'PVEQ_SCRIPT'\n");
        s.append(base64(script.content().getBytes(StandardCharsets.UTF_8))).append("PVEQ_SCRIPT\n");
        s.append("chmod 700 \"$d/script\"\n");
        StringBuilder run = new StringBuilder();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(script.environment()).entrySet()) {
            run.append(e.getKey()).append('=').append(quote(e.getValue())).append(' ');
        }
        run.append("\"$d/script\"");
        script.arguments().forEach(a -> run.append(' ').append(quote(a)));
        Optional<byte[]> stdin = script.secretStdin();
        if (stdin.isPresent()) {
            s.append("base64 -d <<'PVEQ_STDIN' | ").append(run).append('\n');
            s.append(base64(stdin.get())).append("PVEQ_STDIN\n");
        } else {
            s.append(run).append(" </dev/null\n");
        }
        return s.toString();
    }

    private static String base64(byte[] bytes) {
        return Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(bytes) + "\n";
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    @Override
    public void reboot(Target target) {
        ops.reboot(target.node(), target.vmId(), rebootTimeout);
    }

    @Override
    public void forget(Target target) {
        // the agent keeps no per-guest state
    }

    @Override
    public void close() {
        // the connection belongs to the provisioner
    }
}
