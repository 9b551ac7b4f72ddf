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

    /** Prints the VMs and the nodes of an overview (the content of {@code GET /api/vm/list}) as two tables. */
    static void printOverview(ClusterOverview overview, PrintStream out) {
        Table vms = new Table("VMID", "NAME", "OS", "STATUS", "NODE", "CPU", "RAM MB", "DISK GB", "TAGS", "LOCK");
        for (VmInfo vm : overview.vms()) {
            vms.row(vm.vmId().value(), vm.name(), vm.os().map(Object::toString).orElse("-"), vm.status().label(),
                    vm.node().value(), vm.cpu(), vm.memoryMb(), vm.diskGb(),
                    vm.tags().isEmpty() ? "-" : String.join(";", new java.util.TreeSet<>(vm.tags())),
                    vm.lock().orElse("-"));
        }
        out.println("VMs (" + overview.vms().size() + "), observed at " + overview.observedAt());
        vms.print(out);
        Table nodes = new Table("NODE", "ONLINE", "CPUS", "CPU %", "RAM MB", "RAM USED MB", "RAM %", "DISK %");
        for (NodeInfo node : overview.nodes()) {
            nodes.row(node.node().value(), node.online() ? "yes" : "no", node.maxCpu(), percent(node.cpu()),
                    node.maxMemoryMb(), node.memoryUsedMb(), percent(node.memory()), percent(node.disk()));
        }
        out.println();
        out.println("Nodes (" + overview.nodes().size() + ")");
        nodes.print(out);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f", fraction * 100);
    }
}
