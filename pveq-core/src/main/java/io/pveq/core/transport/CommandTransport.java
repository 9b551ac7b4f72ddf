package io.pveq.core.transport;

import java.util.List;

/**
 * Runs one command on one machine (a Proxmox node, usually). The narrow service-provider interface
 * every way of reaching a node implements: {@link LocalCommandTransport} on the node itself, the SSH
 * transport of {@code pveq-ssh} remotely, the simulator's in-process transport in tests.
 *
 * <p>Contract, checked for every implementation by the shared contract test in the core test-jar:
 * <ul>
 *   <li>argv elements arrive byte-exact as separate arguments; no element is ever interpreted by a
 *       shell on the way (a remote transport that must go through a shell quotes each element);</li>
 *   <li>a non-zero exit code is returned as a {@link CommandResult}, never thrown;</li>
 *   <li>failure to start or finish the command throws {@link TransportException}; exceeding the
 *       request's timeout kills the command and throws {@link CommandTimeoutException};</li>
 *   <li>standard output and standard error are read concurrently and kept apart;</li>
 *   <li>implementations are thread-safe and meant to be shared by many concurrent callers.</li>
 * </ul>
 * Blocking: {@link #run} blocks the calling thread until the command ends. Interrupting that thread
 * kills the command and throws {@link TransportException} with the interrupt flag set again.
 */
public interface CommandTransport extends AutoCloseable {

    /**
     * Runs a command and waits for it to end.
     *
     * @param request what to run; never null
     * @return the exit code and output
     * @throws CommandTimeoutException when the command ran past its timeout (it has been killed)
     * @throws TransportException      when the command could not be started or its end not observed
     */
    CommandResult run(CommandRequest request);

    /** Convenience for {@code run(CommandRequest.of(argv))}. */
    default CommandResult run(List<String> argv) {
        return run(CommandRequest.of(argv));
    }

    /** @return a short description for logs and messages, e.g. {@code local} or {@code ssh root@10.0.0.2:22} */
    String describe();

    /** Releases connections and threads. Idempotent; the transport must not be used afterwards. */
    @Override
    default void close() {
    }
}
