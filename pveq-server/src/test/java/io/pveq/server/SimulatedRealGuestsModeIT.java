package io.pveq.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pveq.server.internal.Backend;
import io.pveq.server.internal.ServerMetrics;
import io.pveq.sim.GuestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's simulated mode with {@code SIM_GUESTS=qemu}: the simulator's mirror publishes the built
 * Debian images under their official names (so installs download, verify and import bootable images),
 * {@code /api/info} says the guests are real, and stopping the server leaves no work folder behind.
 * No guest is booted here; {@link RealGuestInstallIT}, {@link RealGuestApiIT} and {@link RealGuestScriptsIT}
 * boot them.
 */
class SimulatedRealGuestsModeIT {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void simGuestsQemuPublishesTheBuiltImagesAndCleansUp() throws Exception {
        GuestImages images = RealGuestPeers.images("12");
        EnvConfig config = EnvConfig.load(Map.of("BIND_ADDRESS", "127.0.0.1", "PORT", "0", "SIM_GUESTS", "qemu",
                "SIM_GUEST_IMAGES", images.folder().toString(), "GUEST_SSH_KEY",
                dir.resolve("guest_key").toString(), "DATA_DIR", dir.resolve("data").toString()));
        Backend.Built built = Backend.create(config, new ServerMetrics());
        try {
            assertEquals("qemu", built.facts().get("sim_guests"));
            GuestImages.Image debian = images.debian("12").orElseThrow();
            URI image = URI.create(built.facts().get("image_mirror") + "debian/" + debian.mirrorPath());
            HttpResponse<Void> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(image)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(200, head.statusCode());
            assertEquals(Files.size(debian.image()), head.headers().firstValueAsLong("Content-Length").orElse(-1));
            String sums = HttpClient.newHttpClient().send(HttpRequest.newBuilder(image.resolve("SHA512SUMS")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertEquals(Files.readString(debian.checksums()), sums);
            assertTrue(config.settings().guestInit().arguments("debian").contains("http://10.0.10.1/debian"));
        } finally {
            built.provisioner().close();
            for (AutoCloseable c : built.extra()) {
                c.close();
            }
        }
    }
}
