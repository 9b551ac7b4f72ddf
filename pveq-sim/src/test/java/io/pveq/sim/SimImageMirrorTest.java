package io.pveq.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The image mirror serves images and checksum files in the real mirrors' layouts. */
class SimImageMirrorTest {

    private final SimImageMirror mirror = SimImageMirror.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        mirror.close();
    }

    private HttpResponse<byte[]> get(URI uri, String range) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (range != null) {
            request.header("Range", range);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    @Test
    void debianImageMatchesItsSha512sumsLine() throws Exception {
        URI dir = mirror.debianBase().resolve("images/cloud/bookworm/latest/");
        byte[] image = get(dir.resolve("debian-12-generic-amd64.qcow2"), null).body();
        String sums = new String(get(dir.resolve("SHA512SUMS"), null).body());
        assertTrue(sums.contains(hex("SHA-512", image) + "  debian-12-generic-amd64.qcow2\n"), sums);
        assertEquals('Q', image[0]);
        assertEquals(1, mirror.getCount("debian/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2"));
    }

    @Test
    void ubuntuUsesBinaryMarkerAndRockyBsdStyle() throws Exception {
        URI ubuntu = mirror.ubuntuBase().resolve("releases/24.04/release/");
        byte[] img = get(ubuntu.resolve("ubuntu-24.04-server-cloudimg-amd64.img"), null).body();
        assertTrue(new String(get(ubuntu.resolve("SHA256SUMS"), null).body())
                .contains(hex("SHA-256", img) + " *ubuntu-24.04-server-cloudimg-amd64.img\n"));
        URI rocky = mirror.rockyBase().resolve("pub/rocky/9/images/x86_64/");
        byte[] qcow = get(rocky.resolve("Rocky-9-GenericCloud-Base.latest.x86_64.qcow2"), null).body();
        assertTrue(new String(get(rocky.resolve("CHECKSUM"), null).body())
                .contains("SHA256 (Rocky-9-GenericCloud-Base.latest.x86_64.qcow2) = " + hex("SHA-256", qcow) + "\n"));
    }

    @Test
    void headRangesAndMissingFiles() throws Exception {
        URI image = mirror.debianBase().resolve("images/cloud/trixie/latest/debian-13-generic-amd64.qcow2");
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(image).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals("65536", head.headers().firstValue("Content-Length").orElseThrow());
        HttpResponse<byte[]> tail = get(image, "bytes=65000-");
        assertEquals(206, tail.statusCode());
        assertEquals(536, tail.body().length);
        assertEquals(416, get(image, "bytes=70000-").statusCode());
        assertEquals(404, get(mirror.baseUri().resolve("nope"), null).statusCode());
    }

    @Test
    void republishedImageGetsANewChecksumAndFailuresAreInjectable() throws Exception {
        String path = "rocky/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2";
        URI image = mirror.baseUri().resolve(path);
        URI checksum = mirror.baseUri().resolve("rocky/pub/rocky/9/images/x86_64/CHECKSUM");
        String before = hex("SHA-256", get(image, null).body());
        byte[] fresh = mirror.republish(path);
        assertEquals(hex("SHA-256", fresh), hex("SHA-256", get(image, null).body()));
        assertNotEquals(before, hex("SHA-256", fresh));
        assertTrue(new String(get(checksum, null).body()).contains(hex("SHA-256", fresh)));
        mirror.failNext(path, 503, 1);
        assertEquals(503, get(image, null).statusCode());
        assertEquals(200, get(image, null).statusCode());
    }

    @Test
    void corruptedImagesNoLongerMatchTheirChecksum() throws Exception {
        URI dir = mirror.debianBase().resolve("images/cloud/bookworm/latest/");
        String good = hex("SHA-512", get(dir.resolve("debian-12-genericcloud-amd64.qcow2"), null).body());
        mirror.corruptImages(true);
        assertNotEquals(good, hex("SHA-512", get(dir.resolve("debian-12-genericcloud-amd64.qcow2"), null).body()));
    }
}
