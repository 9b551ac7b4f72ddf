package io.pveq.images.internal;

import io.pveq.core.testing.ParentChannel;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Run in a separate JVM by {@link CacheStoreTest}: pins one blob of a cache folder (as an install
 * that is importing it would) and says {@code HELD} or {@code GONE} over its {@link ParentChannel};
 * keeps it until a line arrives, then unpins and says {@code RELEASED}.
 */
public final class HoldingProcess {

    private HoldingProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (ParentChannel parent = ParentChannel.open()) {
            CacheStore store = new CacheStore(Path.of(args[0]), Long.MAX_VALUE, Clock.systemUTC());
            String sha = args[1];
            Path blob = store.blob(sha, args[2]);
            if (!store.pinIfPresent(blob, sha)) {
                parent.send("GONE");
                return;
            }
            parent.send("HELD");
            parent.receive();
            store.unpin(sha);
            parent.send("RELEASED");
        }
    }
}
