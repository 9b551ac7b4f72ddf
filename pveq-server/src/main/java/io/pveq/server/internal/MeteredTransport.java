package io.pveq.server.internal;

import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTransport;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A transport that counts and times every command for {@link ServerMetrics} and notices lost VMID
 * claims ({@code qm create} answered "already exists"). Delegates everything else; thread-safe when
 * the delegate is.
 */
public final class MeteredTransport implements CommandTransport {

    private static final Set<String> TOOLS = Set.of("qm", "pvesh", "pvesm", "pvecm", "pveversion");

    private final String node;
    private final CommandTransport delegate;
    private final ServerMetrics metrics;

    /**
     * @param node     the node's name (a metrics label)
     * @param delegate the real transport
     * @param metrics  where to record
     */
    public MeteredTransport(String node, CommandTransport delegate, ServerMetrics metrics) {
        this.node = node;
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public CommandResult run(CommandRequest request) {
        long start = System.nanoTime();
        String command = commandName(request.argv());
        try {
            CommandResult result = delegate.run(request);
            metrics.command(node, command, result.succeeded() ? "ok" : "nonzero", Duration.ofNanos(System.nanoTime() - start));
            if (!result.succeeded() && command.equals("qm create") && result.stderr().contains("already exists")) {
                metrics.allocationRetry();
            }
            return result;
        } catch (RuntimeException e) {
            metrics.command(node, command, "error", Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
    }

    /** @return a bounded label for a command: the tool and its subcommand word, e.g. {@code qm create} */
    static String commandName(List<String> argv) {
        if (argv.isEmpty()) {
            return "";
        }
        String tool = argv.get(0);
        int slash = tool.lastIndexOf('/');
        tool = slash >= 0 ? tool.substring(slash + 1) : tool;
        if (!TOOLS.contains(tool)) {
            return "other";
        }
        if (argv.size() > 1 && argv.get(1).matches("[a-z][a-z-]{0,20}")) {
            return tool + " " + argv.get(1);
        }
        return tool;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
