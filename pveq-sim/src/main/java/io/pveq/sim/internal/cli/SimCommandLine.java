package io.pveq.sim.internal.cli;

import io.pveq.core.NodeName;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import io.pveq.core.transport.TransportException;
import io.pveq.sim.SimulatedCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the {@code bin/qm}, {@code bin/pvesh} and {@code bin/pvesm} launchers: runs one
 * simulated command against a cluster persisted in {@code PVEQ_SIM_STATE}, on node
 * {@code PVEQ_SIM_NODE}, and exits with its exit code. Being a program, not library code, it reads
 * the environment: {@code PVEQ_SIM_SPEED} (a number or {@code instant}, default 1) and
 * {@code PVEQ_SIM_RELEASE} ({@code 8.1}, {@code 8.4}, {@code 9.1}; used when the folder is new).
 */
public final class SimCommandLine {

    private SimCommandLine() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws IOException {
        if (args.length == 0) {
            err.println("usage: SimCommandLine qm|pvesh|pvesm [ARGS]");
            return 2;
        }
        SimulatedCluster.Builder builder;
        try {
            builder = LauncherEnvironment.builder(env);
        } catch (IllegalArgumentException e) {
            err.println("pveq-sim: " + e.getMessage());
            return 2;
        }
        try (SimulatedCluster cluster = builder.build()) {
            String nodeName = env.get("PVEQ_SIM_NODE");
            NodeName node = nodeName == null || nodeName.isBlank() ? cluster.nodes().get(0) : NodeName.of(nodeName);
            List<String> argv = new ArrayList<>(List.of(args));
            CommandRequest.Builder request = CommandRequest.builder(argv).timeout(Duration.ofDays(1));
            if (System.console() == null && System.in.available() > 0) {
                request.stdin(System.in.readAllBytes());
            }
            CommandResult result;
            try {
                result = cluster.transport(node).run(request.build());
            } catch (TransportException e) {
                err.println(e.getMessage());
                return 255;
            }
            out.write(result.stdout().getBytes(StandardCharsets.UTF_8));
            err.write(result.stderr().getBytes(StandardCharsets.UTF_8));
            out.flush();
            err.flush();
            return result.exitCode();
        } catch (RuntimeException e) {
            err.println("pveq-sim: " + e.getMessage());
            return 255;
        }
    }
}
