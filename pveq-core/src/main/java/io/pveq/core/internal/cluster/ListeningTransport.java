package io.pveq.core.internal.cluster;

import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A node's transport that reports every command (and upload) to the provisioner's listener, named by tool
 * and subcommand ({@code qm create}); delegates everything else. Thread-safe when the delegate is.
 */
final class ListeningTransport implements CommandTransport {

    private static final Set<String> TOOLS = Set.of("qm", "pvesh", "pvesm", "pvecm", "pveversion");

    private final NodeName node;
    private final CommandTransport delegate;
    private final Optional<FileTransfer> files;
    private final Calls calls;

    ListeningTransport(NodeName node, CommandTransport delegate, Optional<FileTransfer> files, Calls calls) {
        this.node = node;
        this.delegate = delegate;
        this.files = files;
        this.calls = calls;
    }

    @Override
    public CommandResult run(CommandRequest request) {
        return calls.call(Optional.of(node), commandName(request.argv()), () -> delegate.run(request),
                r -> !r.succeeded());
    }

    /** Uploads through the node's file transfer, reported as {@code upload}. */
    void upload(Path file, String remote, String sha256, FileTransfer.TransferProgress progress) {
        FileTransfer transfer = files.orElseThrow();
        calls.run(Optional.of(node), "upload", () -> transfer.upload(file, remote, sha256, progress));
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
