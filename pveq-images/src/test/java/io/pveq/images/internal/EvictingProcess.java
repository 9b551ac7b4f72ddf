package io.pveq.images.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Run in a separate JVM by {@link CacheStoreTest}: opens a cache folder with a given size cap, prints
 * {@code READY}, waits for a line on stdin, evicts, and prints {@code EVICTED} or the failure.
 */
public final class EvictingProcess {

    private EvictingProcess() {
    }

    public static void main(String[] args) throws Exception {
        CacheStore store = new CacheStore(Path.of(args[0]), Long.parseLong(args[1]), Clock.systemUTC());
        System.out.println("READY");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        try {
            store.evict();
            System.out.println("EVICTED");
        } catch (Exception e) {
            System.out.println("FAILED " + e);
        }
        System.out.flush();
    }
}
