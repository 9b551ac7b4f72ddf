package io.pveq.server.internal;

import io.pveq.core.InitScripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The OS init scripts served read-only at {@code GET /sh/<os>_<version>.sh}: read and bundled once
 * at start-up through {@link InitScripts} (the copies packaged in pveq-core by default, which are
 * what the provisioner runs in guests), so requests only ever look names up in memory: no path from
 * a request reaches the file system. Immutable and thread-safe after construction.
 */
public final class ScriptStore {

    /** Names served: {@code <os>_<version>.sh}. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}_[0-9]{1,4}(\\.[0-9]{1,4}){0,2}\\.sh");

    private final Map<String, String> scripts;

    private ScriptStore(Map<String, String> scripts) {
        this.scripts = Map.copyOf(scripts);
    }

    /**
     * @param dir the {@code sh/} folder to serve; empty: the scripts packaged in pveq-core, the very
     *            ones the provisioner runs in new guests
     * @return the store, every script bundled once
     * @throws IllegalArgumentException when a script has a malformed or dangling include line
     */
    public static ScriptStore load(Optional<Path> dir) {
        InitScripts source = dir.filter(Files::isDirectory).map(InitScripts::fromDirectory).orElseGet(InitScripts::packaged);
        Map<String, String> out = new TreeMap<>();
        for (String name : source.names()) {
            if (NAME.matcher(name).matches()) {
                out.put(name, source.bundle(name));
            }
        }
        return new ScriptStore(out);
    }

    /**
     * @param name the requested file name
     * @return the bundled script, when {@code name} is exactly one of the served names
     */
    public Optional<String> find(String name) {
        return name != null && NAME.matcher(name).matches() ? Optional.ofNullable(scripts.get(name)) : Optional.empty();
    }

    /** @return how many scripts are served */
    public int size() {
        return scripts.size();
    }
}
