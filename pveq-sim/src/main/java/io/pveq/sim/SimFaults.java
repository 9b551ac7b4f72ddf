package io.pveq.sim;

import io.pveq.core.NodeName;
import io.pveq.core.VmId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for one simulated cluster. Command faults match on the start of the argv
 * ({@code qm start}), optionally on the node and on an argument (a VMID, say); the first matching
 * rule fires. They hit the REST API face too, where a request has a CLI twin ({@code qm start 100}
 * is {@code POST /nodes/{node}/qemu/100/status/start}). API faults match a request by method and
 * schema path template. Probabilistic rules draw from the cluster's seeded random source. Faults
 * live in this process only (not in a state folder). Thread-safe.
 *
 * <pre>{@code
 * cluster.faults().on("qm", "start").node(NodeName.of("pve2")).times(1)
 *        .inject(SimFault.fail("start failed: QEMU exited with code 1"));
 * cluster.faults().onApi("GET", "/nodes/{node}/qemu/{vmid}/status/current").times(2)
 *        .inject(SimFault.connectionDrop(false));
 * }</pre>
 *
 * <p>On the API face a fault takes Proxmox's shape there: {@link SimFault.Fail} answers HTTP 500 with
 * its text (a task operation's task fails with it instead, when matched by its CLI twin),
 * {@link SimFault.LockTimeout} answers or fails with {@code can't lock file ... got timeout} after
 * the lock wait, {@link SimFault.Delay} holds the request, {@link SimFault.ConnectionDrop} closes
 * the connection without an answer, before or after the work was done.
 */
public final class SimFaults {

    private final List<Rule> rules = new ArrayList<>();
    private final Map<Integer, Integer> scriptFailures = new ConcurrentHashMap<>();
    private final Map<Integer, Boolean> unreachable = new ConcurrentHashMap<>();
    private final Random random;

    SimFaults(long seed) {
        this.random = new Random(seed ^ 0x5EED_FA17L);
    }

    /**
     * Starts a rule for commands whose argv begins with {@code argvPrefix}.
     *
     * @param argvPrefix e.g. {@code "qm", "create"}; empty matches every command
     * @return a rule to refine and {@link Rule#inject(SimFault) inject}
     */
    public Rule on(String... argvPrefix) {
        return new Rule(List.of(argvPrefix));
    }

    /**
     * Starts a rule for REST API requests.
     *
     * @param method   GET, POST, PUT or DELETE
     * @param template the schema path template, e.g. {@code /nodes/{node}/qemu/{vmid}/status/current}
     * @return a rule to refine ({@link Rule#node}, {@link Rule#vm}, ...) and inject
     */
    public Rule onApi(String method, String template) {
        Rule rule = new Rule(List.of());
        rule.apiMethod = method.toUpperCase(java.util.Locale.ROOT);
        rule.apiTemplate = Objects.requireNonNull(template, "template");
        return rule;
    }

    /** Removes every command rule and every guest fault. */
    public void clear() {
        synchronized (rules) {
            rules.clear();
        }
        scriptFailures.clear();
        unreachable.clear();
    }

    /**
     * Makes the next script run in the guest of {@code vmId} exit with {@code exitCode}.
     *
     * @param exitCode non-zero exit code to report
     */
    public void failNextGuestScript(VmId vmId, int exitCode) {
        scriptFailures.put(vmId.value(), exitCode);
    }

    /** Makes the guest of {@code vmId} unreachable over SSH (or reachable again with false). */
    public void guestUnreachable(VmId vmId, boolean unreachableNow) {
        if (unreachableNow) {
            unreachable.put(vmId.value(), true);
        } else {
            unreachable.remove(vmId.value());
        }
    }

    /** For the simulator: the fault for a command about to run, consuming one use of its rule. */
    Optional<SimFault> match(String node, List<String> argv) {
        return first(rule -> rule.apiMethod == null && rule.matches(node, argv));
    }

    /** For the simulator: the fault for an API request ({@code vmid} may be null), consuming one use. */
    Optional<SimFault> matchApi(String node, String method, String template, String vmid) {
        return first(rule -> rule.apiMethod != null && rule.apiMethod.equals(method) && rule.apiTemplate.equals(template)
                && (rule.node == null || rule.node.equals(node))
                && (rule.argument == null || rule.argument.equals(vmid)));
    }

    private Optional<SimFault> first(java.util.function.Predicate<Rule> test) {
        synchronized (rules) {
            Iterator<Rule> it = rules.iterator();
            while (it.hasNext()) {
                Rule rule = it.next();
                if (!test.test(rule)) {
                    continue;
                }
                if (rule.probability < 1.0 && random.nextDouble() >= rule.probability) {
                    continue;
                }
                rule.hits.incrementAndGet();
                if (rule.remaining > 0 && --rule.remaining == 0) {
                    it.remove();
                }
                return Optional.of(rule.fault);
            }
        }
        return Optional.empty();
    }

    Optional<Integer> takeScriptFailure(int vmid) {
        return Optional.ofNullable(scriptFailures.remove(vmid));
    }

    boolean guestUnreachable(int vmid) {
        return unreachable.containsKey(vmid);
    }

    /** A command fault rule being defined. Not thread-safe until injected. */
    public final class Rule {
        private final List<String> prefix;
        private String node;
        private String argument;
        private int remaining;
        private double probability = 1.0;
        private String apiMethod;
        private String apiTemplate;
        private SimFault fault;
        private final AtomicInteger hits = new AtomicInteger();

        private Rule(List<String> prefix) {
            this.prefix = prefix;
        }

        /** @return this rule, limited to commands on {@code name} */
        public Rule node(NodeName name) {
            this.node = name.value();
            return this;
        }

        /** @return this rule, limited to commands with an argument equal to the VMID (API: that {@code vmid}) */
        public Rule vm(VmId vmId) {
            return argument(vmId.toString());
        }

        /** @return this rule, limited to commands having an argument equal to {@code value} */
        public Rule argument(String value) {
            this.argument = Objects.requireNonNull(value);
            return this;
        }

        /** @param count fire this many times, then remove the rule; 0 or less: until removed */
        public Rule times(int count) {
            this.remaining = Math.max(0, count);
            return this;
        }

        /** @param chance fire with this probability (0..1), drawn from the cluster's seeded random source */
        public Rule probability(double chance) {
            if (chance < 0 || chance > 1) {
                throw new IllegalArgumentException("probability must be in 0..1");
            }
            this.probability = chance;
            return this;
        }

        /**
         * Activates the rule.
         *
         * @return a handle to count hits and remove the rule
         */
        public Handle inject(SimFault what) {
            this.fault = Objects.requireNonNull(what, "fault");
            synchronized (rules) {
                rules.add(this);
            }
            return new Handle(this);
        }

        private boolean matches(String onNode, List<String> argv) {
            if (node != null && !node.equals(onNode)) {
                return false;
            }
            if (argv.size() < prefix.size() || !argv.subList(0, prefix.size()).equals(prefix)) {
                return false;
            }
            return argument == null || argv.contains(argument);
        }
    }

    /** An injected rule. Thread-safe. */
    public final class Handle {
        private final Rule rule;

        private Handle(Rule rule) {
            this.rule = rule;
        }

        /** @return how often the rule fired */
        public int hits() {
            return rule.hits.get();
        }

        /** Removes the rule (no effect when it is gone already). */
        public void remove() {
            synchronized (rules) {
                rules.remove(rule);
            }
        }
    }
}
