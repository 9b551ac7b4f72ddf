package io.pveq.images.internal;

import io.pveq.core.testing.ParentChannel;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Run in a separate JVM by {@link CacheStoreTest}: opens a cache folder with a given size cap, says
 * {@code READY} over its {@link ParentChannel}, waits for a line, evicts, and says {@code EVICTED} or
 * the failure.
 */
public final class EvictingProcess {

    private EvictingProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (ParentChannel parent = ParentChannel.open()) {
            CacheStore store = new CacheStore(Path.of(args[0]), Long.parseLong(args[1]), Clock.systemUTC());
            parent.send("READY");
            parent.receive();
            try {
                store.evict();
                parent.send("EVICTED");
            } catch (Exception e) {
                parent.send("FAILED " + String.valueOf(e).replace('\n', ' ').replace('\r', ' '));
            }
        }
    }
}
