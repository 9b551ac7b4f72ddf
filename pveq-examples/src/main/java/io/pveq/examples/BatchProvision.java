package io.pveq.examples;

import io.pveq.core.InstallResult;
import io.pveq.core.InstallSpec;
import io.pveq.core.NodeName;
import io.pveq.core.OsRelease;
import io.pveq.core.Operation;
import io.pveq.core.VmProvisioner;
import io.pveq.core.event.ProgressEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Installs N VMs at once on a simulated cluster (default 8) with a live progress display: on a
 * terminal, one line per VM rewritten in place with ANSI escapes; otherwise (output redirected, or
 * {@code --plain}, or more than 40 VMs) a plain line whenever a VM enters a new stage. Ends with a summary table, then
 * destroys the VMs. The VMs are spread over the three nodes. Shows {@code submitInstall} (non-blocking, one operation per VM), concurrent
 * installs getting distinct VMIDs and IPs, and one shared image download for all of them.
 *
 * <p>Run from the repository root:
 * <pre>
 * pveq-examples/run.sh BatchProvision          # 8 VMs
 * pveq-examples/run.sh BatchProvision 20 --plain
 * </pre>
 */
public final class BatchProvision {

    private static final int MAX_ANSI_ROWS = 40;
    private static final String[] RELEASES = {"debian 12", "ubuntu 24.04", "rockylinux 9", "debian 13"};

    private BatchProvision() {
    }

    /** Runs the example on {@code System.out} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(System.out, args, System.console() != null));
    }

    /**
     * Runs the example.
     *
     * @param out      where everything is printed
     * @param args     {@code [N] [--plain|--ansi]}
     * @param terminal whether {@code out} is a terminal (ANSI display) unless an option says otherwise
     * @return 0 when every install succeeded, 1 when one failed, 2 on bad arguments
     */
    public static int run(PrintStream out, String[] args, boolean terminal) {
        int count = 8;
        boolean ansi = terminal;
        for (String arg : args) {
            if (arg.equals("--plain")) {
                ansi = false;
            } else if (arg.equals("--ansi")) {
                ansi = true;
            } else if (arg.matches("\\d{1,3}") && Integer.parseInt(arg) >= 1 && Integer.parseInt(arg) <= 150) {
                count = Integer.parseInt(arg);
            } else {
                out.println("usage: BatchProvision [N] [--plain|--ansi]   (N: 1-150 VMs, default 8)");
                return 2;
            }
        }
        if (count > MAX_ANSI_ROWS) {
            ansi = false; // more lines than a screen holds cannot be redrawn in place
        }
        try (DemoCluster demo = DemoCluster.start(200)) {
            VmProvisioner provisioner = demo.provisioner();
            List<NodeName> nodes = demo.cluster().nodes();
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                rows.add(new Row(String.format(Locale.ROOT, "batch-%02d", i + 1), RELEASES[i % RELEASES.length],
                        nodes.get(i % nodes.size())));
            }
            Display display = new Display(out, rows, ansi);
            display.begin();
            long start = System.nanoTime();
            int failed = 0;
            try {
                List<Operation<InstallResult>> operations = new ArrayList<>();
                for (Row row : rows) {
                    String[] release = row.release.split(" ");
                    InstallSpec spec = InstallSpec.builder(OsRelease.of(release[0], release[1])).name(row.name)
                            .node(row.node).build();
                    operations.add(provisioner.submitInstall(spec, event -> display.update(row, event)));
                }
                for (int i = 0; i < rows.size(); i++) {
                    try {
                        rows.get(i).result.set(operations.get(i).result().get());
                    } catch (ExecutionException | CompletionException e) {
                        rows.get(i).failure.set(e.getCause() == null ? e.toString() : e.getCause().getMessage());
                        failed++;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        operations.forEach(Operation::cancel);
                        out.println("interrupted; installs cancelled");
                        return 1;
                    }
                }
            } finally {
                display.end();
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - start);
            summary(out, rows, wall, failed);
            for (Row row : rows) {
                InstallResult result = row.result.get();
                if (result != null) {
                    provisioner.destroy(result.vmId());
                }
            }
            out.println("Destroyed the VMs; VMs left: " + provisioner.overview().vms().size());
            return failed == 0 ? 0 : 1;
        }
    }

    private static void summary(PrintStream out, List<Row> rows, Duration wall, int failed) {
        Table table = new Table("NAME", "RELEASE", "RESULT", "VMID", "NODE", "IP", "CPU", "TIME");
        for (Row row : rows) {
            InstallResult r = row.result.get();
            if (r != null) {
                table.row(row.name, row.release, "ok", r.vmId().value(), r.node().value(), r.ip(), r.cpuLevel(),
                        seconds(r.duration()));
            } else {
                table.row(row.name, row.release, "FAILED: " + row.failure.get(), "-", "-", "-", "-", "-");
            }
        }
        out.println();
        table.print(out);
        out.println();
        out.printf(Locale.ROOT, "%d installed, %d failed, wall time %s%n", rows.size() - failed, failed, seconds(wall));
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }

    /** One VM of the batch: what is installed and how it went. Fields are set from install threads. */
    private static final class Row {
        final String name;
        final String release;
        final NodeName node;
        final AtomicReference<ProgressEvent> last = new AtomicReference<>();
        final AtomicReference<InstallResult> result = new AtomicReference<>();
        final AtomicReference<String> failure = new AtomicReference<>();

        Row(String name, String release, NodeName node) {
            this.name = name;
            this.release = release;
            this.node = node;
        }
    }

    /**
     * The live view. ANSI mode keeps one line per VM and redraws them all (cursor up, clear line)
     * on each event; plain mode prints one line when a VM enters a stage or finishes. Thread-safe:
     * events of all installs arrive here concurrently.
     */
    private static final class Display {
        private static final String CLEAR_LINE = "\u001b[2K";
        /** Long lines are cut at the terminal's edge instead of wrapping, so "cursor up N" stays right. */
        private static final String NO_WRAP = "\u001b[?7l";
        private static final String WRAP = "\u001b[?7h";
        private final PrintStream out;
        private final List<Row> rows;
        private final boolean ansi;
        private boolean drawn;

        Display(PrintStream out, List<Row> rows, boolean ansi) {
            this.out = out;
            this.rows = rows;
            this.ansi = ansi;
        }

        synchronized void begin() {
            out.println("Installing " + rows.size() + " VMs on the simulator");
            if (ansi) {
                out.print(NO_WRAP);
                redraw();
            }
        }

        synchronized void update(Row row, ProgressEvent event) {
            ProgressEvent previous = row.last.getAndSet(event);
            if (ansi) {
                redraw();
            } else if (previous == null || previous.stage() != event.stage() || event.isTerminal()) {
                out.println(line(row));
            }
        }

        synchronized void end() {
            if (ansi) {
                redraw();
                out.print(WRAP);
            }
        }

        private void redraw() {
            StringBuilder frame = new StringBuilder();
            if (drawn) {
                frame.append("\u001b[").append(rows.size()).append('A');
            }
            for (Row row : rows) {
                frame.append('\r').append(CLEAR_LINE).append(line(row)).append('\n');
            }
            out.print(frame);
            out.flush();
            drawn = true;
        }

        private static String line(Row row) {
            ProgressEvent e = row.last.get();
            if (e == null) {
                return String.format(Locale.ROOT, "%-9s %-13s waiting", row.name, row.release);
            }
            String vm = e.vmId().map(id -> "VM " + id.value()).orElse("VM ?");
            String state = e.isTerminal() ? (e.status().label().equals("success") ? "DONE " : "FAIL ")
                    : e.status().label().equals("error") ? "ERR  " : "     ";
            String message = e.message();
            if (message.length() > 70) {
                message = message.substring(0, 67) + "...";
            }
            return String.format(Locale.ROOT, "%-9s %-13s %-7s %6.2fs %s%-45s %s", row.name, row.release, vm,
                    e.elapsed().toMillis() / 1000.0, state, e.stage().label(), message);
        }
    }
}
