package io.pveq.sim.internal.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pveq.sim.SimApiExchange;
import io.pveq.sim.SimApiObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends every exchange of the API face to a file, one JSON object per line ({@code release},
 * {@code method}, {@code path}, {@code template}, {@code parameters}, {@code arrays},
 * {@code verified}, {@code authid}, {@code status}, {@code reason}, {@code body}), so that a test
 * can hold an API server running in another process (the {@code pveq-sim-api} launcher, the
 * reference server in simulated mode) to the schema as it holds the in-process ones. The file holds
 * what was sent, tickets included: it is for test harnesses, never for an operator's state folder.
 * Thread-safe: lines are written whole, in the order the answers were made.
 */
final class ExchangeRecorder implements SimApiObserver {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    ExchangeRecorder(Path file) {
        this.file = file;
    }

    @Override
    public synchronized void exchanged(SimApiExchange exchange) {
        ObjectNode line = JSON.createObjectNode();
        line.put("release", exchange.release().name());
        line.put("method", exchange.method());
        line.put("path", exchange.path());
        line.put("template", exchange.template().orElse(null));
        ObjectNode parameters = line.putObject("parameters");
        exchange.parameters().forEach(parameters::put);
        ObjectNode arrays = line.putObject("arrays");
        exchange.arrays().forEach((name, values) -> values.forEach(arrays.withArray(name)::add));
        line.put("verified", exchange.verified());
        line.put("authid", exchange.authid());
        line.put("status", exchange.status());
        line.put("reason", exchange.reason());
        line.put("body", exchange.body());
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("pveq-sim: cannot record the API exchange in " + file, e);
        }
    }
}
