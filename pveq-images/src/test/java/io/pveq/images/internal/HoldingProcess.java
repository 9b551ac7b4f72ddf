package io.pveq.images.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Run in a separate JVM by {@link CacheStoreTest}: pins one blob of a cache folder (as an install
 * that is importing it would), prints {@code HELD} or {@code GONE}, keeps it until a line arrives on
 * stdin, then unpins and prints {@code RELEASED}.
 */
public final class HoldingProcess {

    private HoldingProcess() {
    }

    public static void main(String[] args) throws Exception {
        CacheStore store = new CacheStore(Path.of(args[0]), Long.MAX_VALUE, Clock.systemUTC());
        String sha = args[1];
        Path blob = store.blob(sha, args[2]);
        if (!store.pinIfPresent(blob, sha)) {
            System.out.println("GONE");
            return;
        }
        System.out.println("HELD");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        store.unpin(sha);
        System.out.println("RELEASED");
        System.out.flush();
    }
}
