package io.pveq.core.internal.pve;

import io.pveq.core.testing.PveSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Recorded outputs of real Proxmox hosts in {@code shared/reference/proxmox/samples}; skips when absent. */
final class Samples {

    private Samples() {
    }

    static String read(String relative) {
        Path file = PveSchema.referenceDir().resolve("samples").resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(file), "skipped: sample " + file + " is absent");
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The outputs of {@code command} in the PVE 9 transcript ({@code $ command} lines followed by output),
     * one element per occurrence.
     */
    static List<String> transcriptOutputs(String command) {
        List<String> outputs = new ArrayList<>();
        StringBuilder current = null;
        for (String line : read("pve-9-qemu-9.2/transcript.txt").split("\n", -1)) {
            if (line.startsWith("$ ") || line.startsWith("#")) {
                if (current != null) {
                    outputs.add(current.toString());
                    current = null;
                }
                if (line.equals("$ " + command)) {
                    current = new StringBuilder();
                }
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        if (current != null) {
            outputs.add(current.toString());
        }
        Assumptions.assumeFalse(outputs.isEmpty(), "skipped: transcript has no `" + command + "`");
        return outputs;
    }
}
