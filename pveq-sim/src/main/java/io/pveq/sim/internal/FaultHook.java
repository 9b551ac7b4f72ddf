package io.pveq.sim.internal;

import io.pveq.sim.SimFault;
import java.util.List;
import java.util.Optional;

/** Where the engine asks for injected faults. */
public interface FaultHook {

    FaultHook NONE = new FaultHook() {
        @Override
        public Optional<SimFault> match(String node, List<String> argv) {
            return Optional.empty();
        }

        @Override
        public Optional<Integer> takeScriptFailure(int vmid) {
            return Optional.empty();
        }

        @Override
        public boolean guestUnreachable(int vmid) {
            return false;
        }
    };

    Optional<SimFault> match(String node, List<String> argv);

    /**
     * The fault for an API request (method and schema path template) about to be served on
     * {@code node}; {@code vmid} is the request's VMID or null.
     */
    default Optional<SimFault> matchApi(String node, String method, String template, String vmid) {
        return Optional.empty();
    }

    Optional<Integer> takeScriptFailure(int vmid);

    boolean guestUnreachable(int vmid);
}
