package io.pveq.sim.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pveq.core.NodeName;
import io.pveq.sim.SimApi;
import io.pveq.sim.SimulatedCluster;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of {@code bin/pveq-sim-api}: serves the REST API of a cluster persisted in
 * {@code PVEQ_SIM_STATE} (the folder {@code bin/qm}, {@code bin/pvesh} and {@code bin/pvesm} share),
 * until the process is stopped. Prints one JSON line on stdout once listening:
 * {@code {"url":...,"fingerprint":...,"ca":...,"token":...,"node":...}}.
 *
 * <p>Environment: {@code PVEQ_SIM_STATE} (required), {@code PVEQ_SIM_API_PORT} (default 8006; 0 picks a
 * free port), {@code PVEQ_SIM_API_BIND} (a loopback address, default 127.0.0.1),
 * {@code PVEQ_SIM_API_NODE} (the node answering, default the first), {@code PVEQ_SIM_SPEED},
 * {@code PVEQ_SIM_RELEASE} as for the command launchers. Options add access control to the state:
 * {@code --root-password PW}, {@code --user USER@REALM:PASSWORD}, {@code --token USER@REALM!ID=SECRET}
 * (add {@code ,privsep=0} for a token sharing its user's privileges), {@code --role NAME:Priv1,Priv2},
 * {@code --acl PATH:USER-OR-TOKEN:ROLE} (add {@code :nopropagate} to grant on the path only).
 */
public final class SimApiCommandLine {

    private static final String USAGE = "usage: pveq-sim-api [--root-password PW] [--user USER@REALM:PASSWORD]..."
            + " [--token USER@REALM!ID=SECRET[,privsep=0]]... [--role NAME:PRIV,PRIV]... [--acl PATH:UGID:ROLE[:nopropagate]]...";

    private SimApiCommandLine() {
    }

    public static void main(String[] args) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        SimulatedCluster cluster;
        try {
            cluster = start(args, System.getenv(), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("pveq-sim-api: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("pveq-sim-api: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stop.countDown();
        }, "pveq-sim-api-shutdown"));
        stop.await();
    }

    /** Builds the cluster with its API from the environment and arguments; prints the connection facts. */
    static SimulatedCluster start(String[] args, Map<String, String> env, PrintStream out) {
        SimulatedCluster.Builder builder = LauncherEnvironment.builder(env);
        SimApi.Options options = SimApi.Options.defaults()
                .withBindAddress(env.getOrDefault("PVEQ_SIM_API_BIND", "127.0.0.1"));
        try {
            options = options.withPort(Integer.parseInt(env.getOrDefault("PVEQ_SIM_API_PORT", "8006")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PVEQ_SIM_API_PORT must be a port number");
        }
        String node = env.get("PVEQ_SIM_API_NODE");
        if (node != null && !node.isBlank()) {
            options = options.withNode(NodeName.of(node));
        }
        builder.api(options);
        access(builder, List.of(args));
        SimulatedCluster cluster = builder.build();
        SimApi api = cluster.api();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("url", api.url().toString());
        facts.put("fingerprint", api.fingerprint());
        facts.put("ca", api.caCertificate().toAbsolutePath().toString());
        facts.put("token", api.rootToken());
        facts.put("node", api.node().value());
        try {
            out.println(new ObjectMapper().writeValueAsString(facts));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
        return cluster;
    }

    private static void access(SimulatedCluster.Builder builder, List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            String value = args.get(++i);
            switch (option) {
                case "--root-password" -> builder.rootPassword(value);
                case "--user" -> {
                    int colon = value.indexOf(':');
                    builder.user(colon < 0 ? value : value.substring(0, colon), colon < 0 ? null : value.substring(colon + 1));
                }
                case "--token" -> {
                    boolean privsep = !value.endsWith(",privsep=0");
                    String token = privsep ? value : value.substring(0, value.length() - ",privsep=0".length());
                    int bang = token.indexOf('!');
                    int eq = token.indexOf('=', Math.max(bang, 0));
                    if (bang < 0 || eq < 0) {
                        throw new IllegalArgumentException("--token takes USER@REALM!ID=SECRET, got '" + value + "'");
                    }
                    builder.token(token.substring(0, bang), token.substring(bang + 1, eq), token.substring(eq + 1), privsep);
                }
                case "--role" -> {
                    int colon = value.indexOf(':');
                    if (colon < 0) {
                        throw new IllegalArgumentException("--role takes NAME:PRIV,PRIV, got '" + value + "'");
                    }
                    builder.role(value.substring(0, colon), Set.copyOf(Arrays.asList(value.substring(colon + 1).split(","))));
                }
                case "--acl" -> {
                    String[] parts = value.split(":");
                    if (parts.length < 3 || parts.length > 4 || (parts.length == 4 && !parts[3].equals("nopropagate"))) {
                        throw new IllegalArgumentException("--acl takes PATH:USER-OR-TOKEN:ROLE[:nopropagate], got '"
                                + value + "'");
                    }
                    builder.acl(parts[0], parts[1], parts[2], parts.length == 3);
                }
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
    }
}
