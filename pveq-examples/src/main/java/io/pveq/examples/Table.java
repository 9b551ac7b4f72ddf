package io.pveq.examples;

import io.pveq.core.ClusterOverview;
import io.pveq.core.NodeInfo;
import io.pveq.core.VmInfo;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table with left-aligned columns, for the examples' output. Not thread-safe. */
final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(String.valueOf(cell));
        }
        rows.add(row);
        return this;
    }

    void print(PrintStream out) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        line(text, header, widths);
        List<String> rule = new ArrayList<>();
        for (int w : widths) {
            rule.add("-".repeat(w));
        }
        line(text, rule, widths);
        rows.forEach(row -> line(text, row, widths));
        out.print(text);
        out.flush();
    }

    private static void line(StringBuilder text, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", cells.get(i)));
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }

    /**
     * Prints the VMs and the nodes of an overview as two tables whose first columns are the keys and
     * units of SPEC's {@code GET /api/vm/list} answer (memory in MB, disk in GB, node usage as fractions).
     */
    static void printOverview(ClusterOverview overview, PrintStream out) {
        Table vms = new Table("vmid", "name", "os", "running", "node", "cpu", "disk", "memory", "memory_used",
                "status", "tags", "lock");
        for (VmInfo vm : overview.vms()) {
            vms.row(vm.vmId().value(), vm.name(), vm.os().map(Object::toString).orElse("-"), vm.running(),
                    vm.node().value(), vm.cpu(), vm.diskGb(), vm.memoryMb(), vm.memoryUsedMb(), vm.status().label(),
                    vm.tags().isEmpty() ? "-" : String.join(";", new java.util.TreeSet<>(vm.tags())),
                    vm.lock().orElse("-"));
        }
        out.println("VMs (" + overview.vms().size() + "), observed at " + overview.observedAt());
        vms.print(out);
        Table nodes = new Table("node", "running", "max_cpu", "max_memory", "cpu", "memory", "memory_used", "disk");
        for (NodeInfo node : overview.nodes()) {
            nodes.row(node.node().value(), node.online(), node.maxCpu(), node.maxMemoryMb(), fraction(node.cpu()),
                    fraction(node.memory()), node.memoryUsedMb(), fraction(node.disk()));
        }
        out.println();
        out.println("Nodes (" + overview.nodes().size() + ")");
        nodes.print(out);
    }

    private static String fraction(double fraction) {
        return String.format(Locale.ROOT, "%.2f", fraction);
    }
}
