package io.pveq.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.transport.CommandRequest;
import io.pveq.core.transport.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The simulator's {@code qm}/{@code pvesh} launchers on the PATH of a real sshd, reached through the
 * SSH transport: what a remote Proxmox node looks like to pveq. An integration test: the launchers run
 * pveq-sim's packaged jar and {@code target/lib}, which exist from the package phase on (in the reactor,
 * pveq-sim is packaged before this module's integration tests). Skipped when they are not built, as
 * with {@code mvn -pl pveq-ssh verify} on its own.
 */
class SimLaunchersOverSshIT {

    private static final Path SIM = Path.of("..", "pveq-sim").toAbsolutePath().normalize();
    private static final Path STATE = Path.of(System.getProperty("java.io.tmpdir"), "pveq-ssh-sim-" + UUID.randomUUID());

    @RegisterExtension
    static final OpenSshServer SSHD = new OpenSshServer().env("PVEQ_SIM_STATE", STATE.toString())
            .env("PVEQ_SIM_NODE", "pve1").env("PVEQ_SIM_SPEED", "instant");

    @BeforeAll
    static void linkLaunchers() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SIM.resolve("bin/qm")), "simulator launchers not found in " + SIM);
        Assumptions.assumeTrue(Files.isDirectory(SIM.resolve("target/lib")),
                "simulator not packaged (mvn -pl pveq-sim -am package)");
        for (String command : List.of("qm", "pvesh", "pvesm")) {
            Files.createSymbolicLink(SSHD.binDir().resolve(command), SIM.resolve("bin").resolve(command));
        }
    }

    @AfterAll
    static void removeState() throws Exception {
        if (Files.exists(STATE)) {
            try (Stream<Path> files = Files.walk(STATE)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static CommandResult run(SshCommandTransport transport, String... argv) {
        return transport.run(CommandRequest.builder(List.of(argv)).timeout(Duration.ofSeconds(60)).build());
    }

    @Test
    void qmAndPveshAnswerThroughSshd() throws Exception {
        try (SshCommandTransport transport = SSHD.transport().build()) {
            CommandResult nodes = run(transport, "pvesh", "get", "/nodes", "--output-format", "json");
            assertEquals(0, nodes.exitCode(), nodes.stderr());
            List<String> names = new ArrayList<>();
            for (JsonNode node : new ObjectMapper().readTree(nodes.stdout())) {
                names.add(node.path("node").asText());
            }
            assertTrue(names.contains("pve1"), names.toString());

            CommandResult list = run(transport, "qm", "list");
            assertEquals(0, list.exitCode(), list.stderr());
        }
    }

    @Test
    void hostileArgumentReachesQmAsOneLiteralArgument() throws Exception {
        Path marker = STATE.resolveSibling(STATE.getFileName() + "-pwned");
        try (SshCommandTransport transport = SSHD.transport().build()) {
            CommandResult result = run(transport, "qm", "config", "100; touch " + marker);
            assertNotEquals(0, result.exitCode());
            assertFalse(Files.exists(marker), "the argument was run as a command");
        }
    }
}
