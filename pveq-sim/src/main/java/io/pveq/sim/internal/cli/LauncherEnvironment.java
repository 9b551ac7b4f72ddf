package io.pveq.sim.internal.cli;

import io.pveq.sim.PveRelease;
import io.pveq.sim.SimulatedCluster;
import java.nio.file.Path;
import java.util.Map;

/** What every launcher reads from the environment: the state folder, the speed and the release. */
final class LauncherEnvironment {

    private LauncherEnvironment() {
    }

    /**
     * @return a builder on {@code PVEQ_SIM_STATE} with {@code PVEQ_SIM_SPEED} and {@code PVEQ_SIM_RELEASE} applied
     * @throws IllegalArgumentException with the message to print when a variable is missing or malformed
     */
    static SimulatedCluster.Builder builder(Map<String, String> env) {
        String state = env.get("PVEQ_SIM_STATE");
        if (state == null || state.isBlank()) {
            throw new IllegalArgumentException("set PVEQ_SIM_STATE to the folder holding the simulated cluster's state");
        }
        SimulatedCluster.Builder builder = SimulatedCluster.builder().stateFolder(Path.of(state));
        String speed = env.getOrDefault("PVEQ_SIM_SPEED", "1");
        if (speed.equals("instant")) {
            builder.instant();
        } else {
            try {
                builder.speedFactor(Double.parseDouble(speed));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PVEQ_SIM_SPEED must be a positive number or 'instant', got '"
                        + speed + "'");
            }
        }
        String release = env.getOrDefault("PVEQ_SIM_RELEASE", "8.4");
        return builder.release(switch (release) {
            case "8.1" -> PveRelease.PVE_8_1;
            case "8.4" -> PveRelease.PVE_8_4;
            case "9.1" -> PveRelease.PVE_9_1;
            default -> throw new IllegalArgumentException("PVEQ_SIM_RELEASE must be 8.1, 8.4 or 9.1, got '" + release + "'");
        });
    }
}
