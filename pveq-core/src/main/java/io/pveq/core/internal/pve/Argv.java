package io.pveq.core.internal.pve;

import io.pveq.core.transport.CommandRequest;
import java.util.ArrayList;
import java.util.List;

/** Accumulates an argv list and the indexes of secret values in it. Not thread-safe. */
final class Argv {

    private final List<String> args = new ArrayList<>();
    private final List<Integer> secrets = new ArrayList<>();

    Argv(String... start) {
        args.addAll(List.of(start));
    }

    Argv add(String... more) {
        args.addAll(List.of(more));
        return this;
    }

    /** Adds {@code --name value}. */
    Argv option(String name, String value) {
        args.add("--" + name);
        args.add(value);
        return this;
    }

    /** Adds {@code --name 1} when {@code on}; Proxmox booleans are always given a value here. */
    Argv flag(String name, boolean on) {
        if (on) {
            option(name, "1");
        }
        return this;
    }

    /** Adds {@code --name value} and marks the value secret. */
    Argv secretOption(String name, String value) {
        args.add("--" + name);
        secrets.add(args.size());
        args.add(value);
        return this;
    }

    CommandRequest toRequest() {
        return CommandRequest.builder(args).secret(secrets.stream().mapToInt(Integer::intValue).toArray()).build();
    }
}
