package io.pveq.sim;

import java.time.Duration;
import java.util.Objects;

/** A fault injected into simulated commands; see {@link SimFaults}. */
public sealed interface SimFault {

    /**
     * The command takes this much longer (before it does anything), scaled by the speed factor like
     * every simulated duration.
     *
     * @param nominal the extra time at speed 1
     */
    record Delay(Duration nominal) implements SimFault {
        /** Validates. */
        public Delay {
            Objects.requireNonNull(nominal, "nominal");
        }
    }

    /**
     * The command fails without effect: {@code stderr} (a line break is added) and the exit code.
     *
     * @param stderr   the error text Proxmox would print, e.g. {@code start failed: QEMU exited with code 1}
     * @param exitCode the exit code, usually 255
     */
    record Fail(String stderr, int exitCode) implements SimFault {
        /** Validates. */
        public Fail {
            Objects.requireNonNull(stderr, "stderr");
        }
    }

    /**
     * The command waits for the VM's lock file and gives up:
     * {@code trying to acquire lock...} then {@code can't lock file '/var/lock/qemu-server/lock-N.conf' - got timeout},
     * exit 255.
     */
    record LockTimeout() implements SimFault {
    }

    /**
     * The connection drops: the transport throws {@link io.pveq.core.transport.TransportException}.
     *
     * @param afterEffect true when the command did its work before the drop (its result is lost)
     */
    record ConnectionDrop(boolean afterEffect) implements SimFault {
    }

    /** @return a {@link Delay} */
    static SimFault delay(Duration nominal) {
        return new Delay(nominal);
    }

    /** @return a {@link Fail} with exit code 255 */
    static SimFault fail(String stderr) {
        return new Fail(stderr, 255);
    }

    /** @return a {@link LockTimeout} */
    static SimFault lockTimeout() {
        return new LockTimeout();
    }

    /** @return a {@link ConnectionDrop} */
    static SimFault connectionDrop(boolean afterEffect) {
        return new ConnectionDrop(afterEffect);
    }
}
