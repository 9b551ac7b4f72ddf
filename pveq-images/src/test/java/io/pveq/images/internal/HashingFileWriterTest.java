package io.pveq.images.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pveq.images.testing.Images;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashingFileWriterTest {

    @TempDir
    Path dir;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void hashesExactlyWhatItWritesInBothAlgorithms() throws Exception {
        byte[] data = Images.bytes(3 * 4096 * 5 + 123, 7);
        Path file = dir.resolve("a.part");
        Map<String, String> digests;
        try (HashingFileWriter writer = new HashingFileWriter(file, List.of("SHA-256", "SHA-512"), 4096, 3, executor)) {
            feed(writer, data, 0, data.length);
            digests = writer.finish(false);
        }
        assertArrayEquals(data, Files.readAllBytes(file));
        assertEquals(Images.hex("SHA-256", data), digests.get("SHA-256"));
        assertEquals(Images.hex("SHA-512", data), digests.get("SHA-512"));
    }

    @Test
    void resumesByHashingTheExistingPrefixThenAppending() throws Exception {
        byte[] data = Images.bytes(50_000, 8);
        Path file = dir.resolve("b.part");
        Files.write(file, Arrays.copyOf(data, 20_000));
        Map<String, String> digests;
        try (HashingFileWriter writer = new HashingFileWriter(file, List.of("SHA-256"), 4096, 2, executor)) {
            writer.absorbExisting();
            assertEquals(20_000, writer.written());
            feed(writer, data, 20_000, data.length);
            digests = writer.finish(true);
        }
        assertArrayEquals(data, Files.readAllBytes(file));
        assertEquals(Images.hex("SHA-256", data), digests.get("SHA-256"));
    }

    @Test
    void resetForgetsEarlierBytes() throws Exception {
        byte[] data = Images.bytes(10_000, 9);
        Path file = dir.resolve("c.part");
        Map<String, String> digests;
        try (HashingFileWriter writer = new HashingFileWriter(file, List.of("SHA-256"), 4096, 2, executor)) {
            feed(writer, Images.bytes(7_000, 10), 0, 7_000);
            writer.reset();
            feed(writer, data, 0, data.length);
            digests = writer.finish(false);
        }
        assertArrayEquals(data, Files.readAllBytes(file));
        assertEquals(Images.hex("SHA-256", data), digests.get("SHA-256"));
    }

    private static void feed(HashingFileWriter writer, byte[] data, int from, int to) throws Exception {
        int at = from;
        while (at < to) {
            ByteBuffer buffer = writer.buffer();
            int n = Math.min(buffer.remaining(), to - at);
            buffer.put(data, at, n);
            at += n;
            writer.write(buffer);
        }
    }
}
