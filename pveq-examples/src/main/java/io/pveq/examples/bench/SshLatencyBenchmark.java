package io.pveq.examples.bench;

import io.pveq.core.transport.CommandResult;
import io.pveq.ssh.HostKeyPolicy;
import io.pveq.ssh.SshCommandTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SSH command latency: pveq's pooled {@link SshCommandTransport} against a new {@code ssh} process
 * per command, an OpenSSH ControlMaster connection, a new sshj connection per command and bare sshj
 * sessions on one connection (with and without TCP_NODELAY, the delayed-ACK trap; with the shell
 * builtin {@code true} and with the exact line pveq sends), all running {@code true} on the same
 * private sshd on 127.0.0.1; then the throughput of 1,000 small
 * commands from 8 threads sharing one pooled transport. Prints a table and writes
 * {@code target/bench/ssh-latency.json}. Needs {@code /usr/sbin/sshd}, {@code ssh} and
 * {@code ssh-keygen}.
 *
 * <p>Run from the repository root:
 * <pre>
 * mvn -q -pl pveq-examples -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp pveq-examples/target/classes:$(cat pveq-examples/target/classpath.txt) io.pveq.examples.bench.SshLatencyBenchmark
 * </pre>
 * Optional arguments: pooled sample count (default 500), ssh-process sample count (default 40).
 */
public final class SshLatencyBenchmark {

    /** What pveq's transport sends for argv {@code [true]}: see RemoteExecution in pveq-ssh. */
    private static final String PVEQ_LINE = "echo $$ >&2; exec 'true'";

    private SshLatencyBenchmark() {
    }

    /** A measured series. */
    record Series(String name, double[] millis) {
        double percentile(double p) {
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }

        double mean() {
            return Arrays.stream(millis).average().orElse(0);
        }
    }

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        quietLogging();
        int pooledSamples = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int processSamples = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        List<Series> series = new ArrayList<>();
        Map<String, Object> throughput = new LinkedHashMap<>();
        try (PrivateSshd sshd = PrivateSshd.start()) {
            System.out.println("sshd on 127.0.0.1:" + sshd.port() + " as " + sshd.user()
                    + " (SetEnv SHLVL=1: bash skips ~/.bashrc); command: true");
            // pooled transport and bare sshj (same connection settings, TCP_NODELAY) alternate sample by
            // sample, so that the load of a shared machine hits all alike; bare sshj runs both the plain
            // builtin `true` and the exact line pveq sends (pid line for the timeout kill, exec)
            try (SshCommandTransport transport = transport(sshd);
                 net.schmizz.sshj.SSHClient bare = bareClient(sshd, true)) {
                for (int i = 0; i < 100; i++) {
                    check(transport.run(List.of("true")));
                    bareCommand(bare, "true");
                    bareCommand(bare, PVEQ_LINE);
                }
                double[] pooled = new double[pooledSamples];
                double[] floor = new double[pooledSamples];
                double[] sameLine = new double[pooledSamples];
                for (int i = 0; i < pooledSamples; i++) {
                    long start = System.nanoTime();
                    check(transport.run(List.of("true")));
                    long second = System.nanoTime();
                    bareCommand(bare, PVEQ_LINE);
                    long third = System.nanoTime();
                    bareCommand(bare, "true");
                    pooled[i] = (second - start) / 1e6;
                    sameLine[i] = (third - second) / 1e6;
                    floor[i] = (System.nanoTime() - third) / 1e6;
                }
                series.add(new Series("pveq pooled sshj transport", pooled));
                series.add(new Series("bare sshj, pveq's command line", sameLine));
                series.add(new Series("bare sshj session, TCP_NODELAY", floor));
                throughput.putAll(throughput(transport, 1000, 8));
            }
            series.add(new Series("new ssh process per command", sshProcess(sshd, processSamples, List.of())));
            series.add(new Series("new ssh process, curve25519 kex", sshProcess(sshd, processSamples,
                    List.of("-o", "KexAlgorithms=curve25519-sha256"))));
            series.add(new Series("OpenSSH ControlMaster (ssh -S)", controlMaster(sshd, Math.min(200, pooledSamples))));
            series.add(new Series("new sshj connection per command", newConnection(sshd, Math.min(30, processSamples))));
            series.add(new Series("bare sshj session, sshj defaults", bareSshj(sshd, Math.min(100, pooledSamples), false)));
        }
        print(series, throughput);
        writeJson(series, throughput);
    }

    /** Sets logback's root level to WARN when logback is the binding (it is a runtime-only dependency here). */
    private static void quietLogging() {
        // sshj logs refused channel opens (retried by pveq) at ERROR; every benchmark result is checked instead
        org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        try {
            Class<?> level = Class.forName("ch.qos.logback.classic.Level");
            root.getClass().getMethod("setLevel", level).invoke(root, level.getField("WARN").get(null));
            org.slf4j.Logger promise = org.slf4j.LoggerFactory.getLogger("net.schmizz.concurrent.Promise");
            promise.getClass().getMethod("setLevel", level).invoke(promise, level.getField("OFF").get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another binding: leave its configuration alone
        }
    }

    private static SshCommandTransport transport(PrivateSshd sshd) {
        return SshCommandTransport.builder("127.0.0.1").port(sshd.port()).user(sshd.user())
                .privateKey(sshd.clientKey()).hostKeyPolicy(HostKeyPolicy.knownHosts(sshd.knownHosts())).build();
    }

    private static void check(CommandResult result) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException("benchmark command failed: " + result + " " + result.stderr());
        }
    }

    private static Map<String, Object> throughput(SshCommandTransport transport, int commands, int threads)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                while (next.getAndIncrement() < commands) {
                    check(transport.run(List.of("true")));
                }
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("commands", commands);
        result.put("threads", threads);
        result.put("wallSeconds", seconds);
        result.put("commandsPerSecond", commands / seconds);
        result.put("connectionsUsed", transport.openConnections());
        return result;
    }

    private static List<String> sshBase(PrivateSshd sshd) {
        return List.of("ssh", "-F", "/dev/null", "-i", sshd.clientKey().toString(), "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + sshd.knownHosts(), "-o", "StrictHostKeyChecking=yes",
                "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-p", Integer.toString(sshd.port()));
    }

    private static double[] sshProcess(PrivateSshd sshd, int samples, List<String> extra) throws Exception {
        double[] millis = new double[samples];
        for (int i = -2; i < samples; i++) {
            List<String> argv = new ArrayList<>(sshBase(sshd));
            argv.addAll(extra);
            argv.add(sshd.user() + "@127.0.0.1");
            argv.add("true");
            long start = System.nanoTime();
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("ssh failed: " + argv);
            }
            if (i >= 0) {
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return millis;
    }

    private static double[] controlMaster(PrivateSshd sshd, int samples) throws Exception {
        Path socket = sshd.dir().resolve("cm.sock");
        List<String> master = new ArrayList<>(sshBase(sshd));
        master.addAll(List.of("-o", "ControlMaster=yes", "-o", "ControlPath=" + socket, "-o", "ControlPersist=yes",
                "-N", "-f", sshd.user() + "@127.0.0.1"));
        Process started = new ProcessBuilder(master).redirectErrorStream(true).start();
        started.getInputStream().readAllBytes();
        started.waitFor();
        try {
            return sshProcess(sshd, samples, List.of("-o", "ControlPath=" + socket, "-o", "ControlMaster=no"));
        } finally {
            List<String> exit = new ArrayList<>(sshBase(sshd));
            exit.addAll(List.of("-o", "ControlPath=" + socket, "-O", "exit", sshd.user() + "@127.0.0.1"));
            new ProcessBuilder(exit).redirectErrorStream(true).start().waitFor();
            Files.deleteIfExists(socket);
        }
    }

    private static double[] newConnection(PrivateSshd sshd, int samples) {
        double[] millis = new double[samples];
        for (int i = -2; i < samples; i++) {
            long start = System.nanoTime();
            try (SshCommandTransport transport = transport(sshd)) {
                check(transport.run(List.of("true")));
            }
            if (i >= 0) {
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return millis;
    }

    /** sshj used directly on one connection: the floor under pveq's transport, with and without TCP_NODELAY. */
    private static double[] bareSshj(PrivateSshd sshd, int samples, boolean noDelay) throws Exception {
        double[] millis = new double[samples];
        try (net.schmizz.sshj.SSHClient client = bareClient(sshd, noDelay)) {
            for (int i = -20; i < samples; i++) {
                long start = System.nanoTime();
                bareCommand(client, "true");
                if (i >= 0) {
                    millis[i] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return millis;
    }

    private static net.schmizz.sshj.SSHClient bareClient(PrivateSshd sshd, boolean noDelay) throws Exception {
        net.schmizz.sshj.SSHClient client = new net.schmizz.sshj.SSHClient();
        client.loadKnownHosts(sshd.knownHosts().toFile());
        client.connect("127.0.0.1", sshd.port());
        // set after the handshake: only the per-command traffic matters here
        client.getSocket().setTcpNoDelay(noDelay);
        client.authPublickey(sshd.user(), sshd.clientKey().toString());
        return client;
    }

    private static void bareCommand(net.schmizz.sshj.SSHClient client, String line) throws Exception {
        try (net.schmizz.sshj.connection.channel.direct.Session session = client.startSession()) {
            net.schmizz.sshj.connection.channel.direct.Session.Command command = session.exec(line);
            command.getOutputStream().close();
            command.getInputStream().readAllBytes();
            command.getErrorStream().readAllBytes();
            command.join();
        }
    }

    private static void print(List<Series> series, Map<String, Object> throughput) {
        double pooledMedian = series.get(0).percentile(50);
        System.out.println();
        System.out.printf(Locale.ROOT, "%-34s %7s %9s %9s %9s %9s %10s%n", "method (command: true)", "samples",
                "median ms", "p90 ms", "p99 ms", "mean ms", "vs pooled");
        for (Series s : series) {
            System.out.printf(Locale.ROOT, "%-34s %7d %9.2f %9.2f %9.2f %9.2f %9.1fx%n", s.name(), s.millis().length,
                    s.percentile(50), s.percentile(90), s.percentile(99), s.mean(), s.percentile(50) / pooledMedian);
        }
        System.out.printf(Locale.ROOT, "%nthroughput: %d x true from %d threads on one pooled transport: %.2f s, "
                        + "%.0f commands/s, %s connections%n", throughput.get("commands"), throughput.get("threads"),
                throughput.get("wallSeconds"), throughput.get("commandsPerSecond"), throughput.get("connectionsUsed"));
        System.out.printf(Locale.ROOT, "machine: %d cores, JDK %s, %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.name"), Instant.now());
    }

    private static void writeJson(List<Series> series, Map<String, Object> throughput) throws Exception {
        StringBuilder json = new StringBuilder("{\n  \"benchmark\": \"ssh-latency\",\n");
        json.append("  \"date\": \"").append(Instant.now()).append("\",\n");
        json.append("  \"cores\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        json.append("  \"jdk\": \"").append(System.getProperty("java.version")).append("\",\n");
        json.append("  \"setup\": \"private sshd on 127.0.0.1, SetEnv SHLVL=1 (bash skips ~/.bashrc), command true\",\n");
        json.append("  \"latency\": [\n");
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            json.append(String.format(Locale.ROOT, "    {\"method\": \"%s\", \"samples\": %d, \"medianMs\": %.3f, "
                            + "\"p90Ms\": %.3f, \"p99Ms\": %.3f, \"meanMs\": %.3f}%s%n", s.name(), s.millis().length,
                    s.percentile(50), s.percentile(90), s.percentile(99), s.mean(), i < series.size() - 1 ? "," : ""));
        }
        json.append("  ],\n  \"throughput\": {");
        int n = 0;
        for (Map.Entry<String, Object> entry : throughput.entrySet()) {
            json.append(n++ > 0 ? ", " : "").append('"').append(entry.getKey()).append("\": ").append(entry.getValue());
        }
        json.append("}\n}\n");
        Path dir = Files.isDirectory(Path.of("pveq-examples")) ? Path.of("pveq-examples/target/bench")
                : Path.of("target/bench");
        Files.createDirectories(dir);
        Path out = dir.resolve("ssh-latency.json");
        Files.writeString(out, json);
        System.out.println("wrote " + out.toAbsolutePath());
    }
}
