package io.pveq.sim.internal;

import static io.pveq.sim.internal.params.Rule.bool;
import static io.pveq.sim.internal.params.Rule.string;

import io.pveq.sim.internal.params.ArgParser;
import io.pveq.sim.internal.params.CommandSpec;
import io.pveq.sim.internal.state.NodeState;
import io.pveq.sim.internal.state.StorageState;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The simulated {@code pvesm}: {@code pvesm status}. */
final class Pvesm {

    private static final CommandSpec STATUS = new CommandSpec(List.of("pvesm", "status"), List.of(),
            Map.of("storage", string(0), "content", string(0), "enabled", bool(), "target", string(0),
                    "format", bool()), Set.of());

    private final Engine engine;

    Pvesm(Engine engine) {
        this.engine = engine;
    }

    void run(Exec exec, List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("status")) {
            String shown = args.isEmpty() ? "" : args.get(0);
            throw new Failure("ERROR: unknown command 'pvesm " + shown + "'\nUSAGE: pvesm <COMMAND> [ARGS] [OPTIONS]");
        }
        Map<String, String> params = ArgParser.parse(STATUS, args.subList(1, args.size()));
        String text = engine.store().read(state -> {
            NodeState node = Engine.node(state, exec.node());
            List<StorageState> shown = node.storages.stream()
                    .filter(s -> !params.containsKey("storage") || s.id.equals(params.get("storage")))
                    .filter(s -> !params.containsKey("content") || s.content.contains(params.get("content")))
                    .filter(s -> !"1".equals(params.get("enabled")) || s.enabled)
                    .toList();
            if (params.containsKey("storage") && shown.isEmpty()) {
                throw new Failure("storage '" + params.get("storage") + "' does not exist");
            }
            int width = 4;
            for (StorageState storage : shown) {
                width = Math.max(width, storage.id.length());
            }
            String format = "%-" + (width + 1) + "s %10s %10s %15s %15s %15s %8s%n";
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, format, "Name", "Type", "Status", "Total",
                    "Used", "Available", "%"));
            for (StorageState storage : shown) {
                if (!storage.enabled) {
                    out.append(String.format(Locale.ROOT, format, storage.id, storage.type, "disabled", 0, 0, 0, "N/A"));
                    continue;
                }
                long used = Usage.storageUsed(state, node.name, storage);
                long total = storage.totalBytes;
                out.append(String.format(Locale.ROOT, format, storage.id, storage.type, "active", total / 1024,
                        used / 1024, (total - used) / 1024,
                        String.format(Locale.ROOT, "%.2f%%", used * 100.0 / total)));
            }
            return out.toString();
        });
        exec.outText(text);
    }
}
