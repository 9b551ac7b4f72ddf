package io.pveq.core.testing;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.OutputListener;
import io.pveq.core.transport.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A {@link CommandTransport} for unit tests that answers from a script: each rule matches an argv
 * (by prefix) and gives the exit code, stdout and stderr to return; stdout lines are also fed to the
 * request's listener. Records every request. A request no rule matches fails with a
 * {@link TransportException} naming it, so a test never passes on an unexpected command. Thread-safe.
 */
public final class ScriptedCommandTransport implements CommandTransport {

    private record Rule(Predicate<List<String>> matcher, int exitCode, String stdout, String stderr) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<CommandRequest> requests = new CopyOnWriteArrayList<>();

    /**
     * Answers commands starting with {@code prefix}. Later rules win over earlier ones.
     *
     * @return this transport
     */
    public ScriptedCommandTransport on(List<String> prefix, int exitCode, String stdout, String stderr) {
        List<String> copy = List.copyOf(prefix);
        rules.add(0, new Rule(argv -> argv.size() >= copy.size() && argv.subList(0, copy.size()).equals(copy),
                exitCode, stdout, stderr));
        return this;
    }

    /** Answers commands starting with {@code prefix} with exit 0 and {@code stdout}. */
    public ScriptedCommandTransport ok(List<String> prefix, String stdout) {
        return on(prefix, 0, stdout, "");
    }

    /** @return every request run so far, in order */
    public List<CommandRequest> requests() {
        return new ArrayList<>(requests);
    }

    /** @return the argv of the last request */
    public List<String> lastArgv() {
        if (requests.isEmpty()) {
            throw new IllegalStateException("no command was run");
        }
        return requests.get(requests.size() - 1).argv();
    }

    @Override
    public CommandResult run(CommandRequest request) {
        requests.add(request);
        for (Rule rule : rules) {
            if (rule.matcher().test(request.argv())) {
                request.listener().ifPresent(l -> rule.stdout().lines()
                        .forEach(line -> l.onLine(OutputListener.Stream.STDOUT, line)));
                return new CommandResult(request.displayArgv(), rule.exitCode(), rule.stdout(), rule.stderr(),
                        Duration.ofMillis(1));
            }
        }
        throw new TransportException("no scripted answer for `" + request.displayLine() + "`");
    }

    @Override
    public String describe() {
        return "scripted";
    }
}
