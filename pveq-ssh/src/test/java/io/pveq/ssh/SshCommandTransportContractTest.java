package io.pveq.ssh;

import io.pveq.core.transport.CommandTransport;
import io.pveq.core.transport.CommandTransportContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared transport contract, over a real OpenSSH server, with 50 threads on one pooled transport. */
class SshCommandTransportContractTest extends CommandTransportContract {

    @RegisterExtension
    static final OpenSshServer SSHD = new OpenSshServer();

    @Override
    protected CommandTransport createTransport() {
        return SSHD.transport().build();
    }

    @Override
    protected int concurrency() {
        return 50;
    }
}
