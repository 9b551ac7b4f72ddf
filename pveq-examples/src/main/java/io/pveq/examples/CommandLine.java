package io.pveq.examples;

import io.pveq.core.InstallResult;
import io.pveq.core.InstallSpec;
import io.pveq.core.NodeName;
import io.pveq.core.OsRelease;
import io.pveq.core.Operation;
import io.pveq.core.PveqException;
import io.pveq.core.VmProvisioner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The command-line options of the examples that talk to a real cluster: {@code --name value} pairs,
 * some repeatable, plus flags. Parsing fails with {@link BadUsage} naming the option at fault.
 */
final class CommandLine {

    /** A command line that cannot be used; the message says why. */
    static final class BadUsage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadUsage(String message) {
            super(message);
        }
    }

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final Set<String> flags;

    private CommandLine(Set<String> flags) {
        this.flags = flags;
    }

    /**
     * @param args      the arguments
     * @param withValue options that take a value
     * @param flags     options without a value
     * @return the parsed options
     * @throws BadUsage on an unknown option, a missing value or a stray argument
     */
    static CommandLine parse(String[] args, Set<String> withValue, Set<String> flags) {
        CommandLine line = new CommandLine(flags);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (flags.contains(arg)) {
                line.values.computeIfAbsent(arg, k -> new ArrayList<>()).add("");
            } else if (withValue.contains(arg)) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new BadUsage(arg + " needs a value");
                }
                line.values.computeIfAbsent(arg, k -> new ArrayList<>()).add(args[++i]);
            } else {
                throw new BadUsage("unknown argument '" + arg + "'");
            }
        }
        return line;
    }

    boolean has(String flag) {
        return values.containsKey(flag);
    }

    Optional<String> value(String option) {
        List<String> all = values.getOrDefault(option, List.of());
        if (all.size() > 1) {
            throw new BadUsage(option + " given more than once");
        }
        return all.stream().findFirst();
    }

    String required(String option) {
        return value(option).orElseThrow(() -> new BadUsage(option + " is required"));
    }

    List<String> all(String option) {
        return List.copyOf(values.getOrDefault(option, List.of()));
    }

    /** @return {@code NAME=ADDRESS} pairs of a repeatable option, in order */
    Map<String, String> pairs(String option) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : all(option)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new BadUsage(option + " expects NAME=ADDRESS, got '" + pair + "'");
            }
            if (out.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                throw new BadUsage(option + " names node " + pair.substring(0, eq) + " twice");
            }
        }
        return out;
    }

    /** @return the file an option names, which must exist */
    Path existingFile(String option, String value) {
        Path file = Path.of(value);
        if (!Files.isRegularFile(file)) {
            throw new BadUsage(option + ": no such file " + file);
        }
        return file;
    }

    /** @return the port an option names, 1-65535 */
    int port(String option, int fallback) {
        Optional<String> text = value(option);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(text.get());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadUsage(option + " must be a port number 1-65535, got '" + text.get() + "'");
    }

    /** @return the install request the {@code --os --version --vm-name --target} options describe */
    InstallSpec spec() {
        InstallSpec.Builder spec = InstallSpec.builder(OsRelease.of(value("--os").orElse("debian"),
                value("--version").orElse("12")));
        value("--vm-name").ifPresent(spec::name);
        value("--target").map(NodeName::of).ifPresent(spec::node);
        return spec.build();
    }

    /**
     * Installs one VM printing every event, prints the result and, when asked, destroys the VM.
     * Ctrl-C (or any JVM shutdown) during the install cancels it and waits up to two minutes for
     * the rollback, so a real cluster is not left with a half-made VM.
     *
     * @return 0 on success, 1 when the install (or destroy) failed or was cancelled
     */
    static int installAndReport(VmProvisioner provisioner, InstallSpec spec, boolean destroy, PrintStream out) {
        Thread rollbackOnExit = null;
        try {
            out.println("Installing " + spec);
            Operation<InstallResult> install = provisioner.submitInstall(spec,
                    event -> out.println(ProvisionOnSimulator.describe(event)));
            rollbackOnExit = new Thread(() -> {
                if (install.cancel()) {
                    out.println("-- interrupted: cancelling the install and rolling it back ...");
                    try {
                        install.result().get(2, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (ExecutionException | TimeoutException e) {
                        out.println("-- " + (e instanceof TimeoutException ? "rollback still running" : "rolled back"));
                    }
                }
            }, "pveq-example-rollback");
            Runtime.getRuntime().addShutdownHook(rollbackOnExit);
            InstallResult result = install.await();
            out.println();
            out.println("Installed VM " + result.vmId() + " '" + result.name() + "' on " + result.node() + " at "
                    + result.ip() + "; log in with: ssh " + result.user() + "@" + result.ip().address());
            result.hostKeyFingerprint().ifPresent(fp -> out.println("Guest host key " + fp));
            if (destroy) {
                provisioner.destroy(result.vmId());
                out.println("Destroyed VM " + result.vmId());
            }
            return 0;
        } catch (PveqException e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        } finally {
            if (rollbackOnExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(rollbackOnExit);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running already
                }
            }
        }
    }
}
