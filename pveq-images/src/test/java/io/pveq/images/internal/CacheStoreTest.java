package io.pveq.images.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.core.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheStoreTest {

    @TempDir
    Path root;

    @Test
    void pinIfPresentRefusesABlobThatIsAlreadyGone() throws Exception {
        CacheStore store = new CacheStore(root, 10, Clock.systemUTC());
        String sha = "b".repeat(64);
        Path blob = store.blob(sha, ".qcow2");
        assertFalse(store.pinIfPresent(blob, sha));

        Files.write(blob, new byte[100]); // over the 10-byte cap
        store.evict();
        assertFalse(Files.exists(blob), "unpinned: evicted");

        Files.write(blob, new byte[100]);
        assertTrue(store.pinIfPresent(blob, sha));
        store.evict();
        assertTrue(Files.exists(blob), "pinned: kept although over the cap");
        store.unpin(sha);
        store.evict();
        assertFalse(Files.exists(blob));
    }

    @Test
    void evictionTakesTheLeastRecentlyUsedUnpinnedBlobFirst() throws Exception {
        CacheStore store = new CacheStore(root, 150, Clock.systemUTC());
        String older = "c".repeat(64);
        String newer = "d".repeat(64);
        Path a = store.blob(older, ".img");
        Path b = store.blob(newer, ".img");
        Files.write(a, new byte[100]);
        Files.write(b, new byte[100]);
        Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        Files.setLastModifiedTime(b, FileTime.from(Instant.parse("2026-02-01T00:00:00Z")));
        assertTrue(store.pinIfPresent(a, older));
        store.evict();
        assertTrue(Files.exists(a), "the older one is pinned");
        assertFalse(Files.exists(b), "so the newer, unpinned one goes");
    }

    @Test
    void aBlobHeldByAnotherProcessIsNotEvictedUntilThatProcessLetsGo() throws Exception {
        CacheStore store = new CacheStore(root, 10, Clock.systemUTC());
        String sha = "e".repeat(64);
        Path blob = store.blob(sha, ".qcow2");
        Files.write(blob, new byte[100]); // over the 10-byte cap
        try (ChildJvm other = ChildJvm.start(HoldingProcess.class, root.toString(), sha, ".qcow2")) {
            assertEquals("HELD", other.receive());
            store.evict();
            assertTrue(Files.exists(blob), "another process imports it right now");

            other.send("let go");
            assertEquals("RELEASED", other.receive());
            store.evict();
            assertFalse(Files.exists(blob), "let go: evicted");
        }
    }

    @Test
    void aProcessFindsABlobAnotherProcessEvictedGoneAndPinsNothing() throws Exception {
        CacheStore store = new CacheStore(root, 10, Clock.systemUTC());
        String sha = "f".repeat(64);
        Path blob = store.blob(sha, ".img");
        Files.write(blob, new byte[100]);
        store.evict();
        try (ChildJvm other = ChildJvm.start(HoldingProcess.class, root.toString(), sha, ".img")) {
            assertEquals(List.of("GONE"), other.receiveAll(ChildJvm.TIMEOUT));
        }
    }

    private ChildJvm evictingProcess(long cap) throws Exception {
        return ChildJvm.start(EvictingProcess.class, root.toString(), Long.toString(cap));
    }

    @Test
    void aSecondCacheOnTheSameFolderInTheSameJvmDoesNotDropTheFirstOnesHold() throws Exception {
        CacheStore first = new CacheStore(root, Long.MAX_VALUE, Clock.systemUTC());
        String sha = "a1".repeat(32);
        Path blob = first.blob(sha, ".qcow2");
        Files.write(blob, new byte[100]);
        assertTrue(first.pinIfPresent(blob, sha));

        new CacheStore(root, 10, Clock.systemUTC()).evict(); // same JVM, same folder, over its cap
        assertTrue(Files.exists(blob), "held by the first cache of this JVM");
        try (ChildJvm other = evictingProcess(10)) {
            assertEquals("READY", other.receive());
            other.send("go");
            assertEquals("EVICTED", other.receive());
        }
        assertTrue(Files.exists(blob), "the second cache must not have released the OS lock of the first");

        first.close(); // lets go of its holds
        new CacheStore(root, 10, Clock.systemUTC()).evict();
        assertFalse(Files.exists(blob));
    }

    @Test
    void twoProcessesEvictingTheSameFolderAtOnceBothSucceed() throws Exception {
        for (int round = 0; round < 3; round++) {
            CacheStore store = new CacheStore(root, 1000, Clock.systemUTC());
            for (int i = 0; i < 1500; i++) {
                String sha = String.format("%064x", round * 10_000L + i);
                Files.write(store.blob(sha, ".img"), new byte[100]);
            }
            try (ChildJvm other = evictingProcess(1000)) {
                assertEquals("READY", other.receive());
                other.send("go");
                store.evict(); // at the same time as the other process
                assertEquals("EVICTED", other.receive(), "round " + round);
            }
            assertTrue(store.usedBytes() <= 1000);
        }
    }
}
