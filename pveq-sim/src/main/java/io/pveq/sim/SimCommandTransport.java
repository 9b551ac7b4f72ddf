package io.pveq.sim;

import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.FileTransfer;
import io.pveq.core.transport.TransportException;
import io.pveq.sim.internal.Engine;
import io.pveq.sim.internal.SimFiles;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The in-process transport to one simulated node: runs {@code qm}, {@code pvesh} and {@code pvesm}
 * (anything else exits 127 with {@code command not found}, as a shell would) and copies files into
 * the node's simulated filesystem, where {@code import-from=/path} and {@code qm disk import} find
 * them. Commands run in the calling thread. Thread-safe; {@link #close()} only marks it closed.
 */
public final class SimCommandTransport implements CommandTransport, FileTransfer {

    private final Engine engine;
    private final NodeName node;
    private final AtomicBoolean closed = new AtomicBoolean();

    SimCommandTransport(Engine engine, NodeName node) {
        this.engine = engine;
        this.node = node;
    }

    /** @return the node this transport reaches */
    public NodeName node() {
        return node;
    }

    /**
     * Runs one simulated command on the node.
     *
     * @throws TransportException when the node is offline, the transport closed, or an injected
     *                            connection drop fires
     * @throws io.pveq.core.transport.CommandTimeoutException when the simulated run exceeds the request's timeout
     */
    @Override
    public CommandResult run(CommandRequest request) {
        Objects.requireNonNull(request, "request");
        if (closed.get()) {
            throw new TransportException("transport is closed: " + describe());
        }
        return engine.run(node.value(), request);
    }

    /**
     * Records {@code localFile} on the node at {@code remotePath} (size, virtual disk size, SHA-256;
     * small text files keep their content). The checksum is verified like a real upload.
     *
     * @throws TransportException when the file cannot be read, the checksum differs or the node is offline
     */
    @Override
    public void upload(Path localFile, String remotePath, String sha256Hex, TransferProgress progress) {
        if (closed.get()) {
            throw new TransportException("transport is closed: " + describe());
        }
        SimFiles.upload(engine, node.value(), localFile, remotePath, sha256Hex, progress);
    }

    @Override
    public String describe() {
        return "simulated node " + node;
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
