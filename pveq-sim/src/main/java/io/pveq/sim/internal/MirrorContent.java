package io.pveq.sim.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/** The files of the simulated image mirror, generated deterministically. */
public final class MirrorContent {

    private static final Map<String, String> DEBIAN = Map.of("11", "bullseye", "12", "bookworm", "13", "trixie");
    private final TreeMap<String, byte[]> files = new TreeMap<>();
    private final int imageBytes;

    public MirrorContent(int imageBytes) {
        this.imageBytes = imageBytes;
        for (Map.Entry<String, String> debian : new TreeMap<>(DEBIAN).entrySet()) {
            String dir = "debian/images/cloud/" + debian.getValue() + "/latest/";
            StringBuilder sums = new StringBuilder();
            for (String flavour : List.of("generic", "genericcloud")) {
                String name = "debian-" + debian.getKey() + "-" + flavour + "-amd64.qcow2";
                byte[] image = image(dir + name, imageBytes, 3L << 30);
                files.put(dir + name, image);
                sums.append(hex("SHA-512", image)).append("  ").append(name).append('\n');
            }
            files.put(dir + "SHA512SUMS", sums.toString().getBytes(StandardCharsets.UTF_8));
        }
        for (String version : List.of("20.04", "22.04", "24.04")) {
            String dir = "ubuntu/releases/" + version + "/release/";
            String name = "ubuntu-" + version + "-server-cloudimg-amd64.img";
            byte[] image = image(dir + name, imageBytes, 3584L << 20);
            files.put(dir + name, image);
            String other = "ubuntu-" + version + "-server-cloudimg-arm64.img";
            files.put(dir + "SHA256SUMS", (hex("SHA-256", image(dir + other, 512, 1L << 30)) + " *" + other + "\n"
                    + hex("SHA-256", image) + " *" + name + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (String version : List.of("8", "9", "10")) {
            String dir = "rocky/pub/rocky/" + version + "/images/x86_64/";
            String name = "Rocky-" + version + "-GenericCloud-Base.latest.x86_64.qcow2";
            byte[] image = image(dir + name, imageBytes, 10L << 30);
            files.put(dir + name, image);
            files.put(dir + "CHECKSUM", ("# " + name + ": " + image.length + " bytes\n"
                    + "SHA256 (" + name + ") = " + hex("SHA-256", image) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    public synchronized List<String> paths() {
        return new ArrayList<>(files.keySet());
    }

    /**
     * Replaces the image at {@code path} with new bytes and rewrites the checksum line beside it, as
     * when a distribution publishes a new "latest" build.
     *
     * @return the new image bytes
     */
    public synchronized byte[] republish(String path, int generation) {
        byte[] old = files.get(path);
        if (old == null || path.endsWith("SUMS") || path.endsWith("CHECKSUM")) {
            throw new IllegalArgumentException("not a published image: " + path);
        }
        String dir = path.substring(0, path.lastIndexOf('/') + 1);
        String name = path.substring(dir.length());
        long virtualSize = ByteBuffer.wrap(old, 24, 8).getLong();
        byte[] image = image(path + "#" + generation, imageBytes, virtualSize);
        files.put(path, image);
        for (String sums : List.of("SHA512SUMS", "SHA256SUMS", "CHECKSUM")) {
            byte[] current = files.get(dir + sums);
            if (current == null) {
                continue;
            }
            String algorithm = sums.equals("SHA512SUMS") ? "SHA-512" : "SHA-256";
            String oldHex = hex(algorithm, old);
            String text = new String(current, StandardCharsets.UTF_8).replace(oldHex, hex(algorithm, image))
                    .replace("# " + name + ": " + old.length + " bytes", "# " + name + ": " + image.length + " bytes");
            files.put(dir + sums, text.getBytes(StandardCharsets.UTF_8));
        }
        return image;
    }

    public synchronized Optional<byte[]> file(String path) {
        return Optional.ofNullable(files.get(path));
    }

    /** A qcow2 header with the virtual size, then bytes derived from the path. */
    private static byte[] image(String path, int size, long virtualSize) {
        byte[] bytes = new byte[size];
        new Random(path.hashCode()).nextBytes(bytes);
        ByteBuffer header = ByteBuffer.wrap(bytes);
        header.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb});
        header.putInt(3);
        header.putLong(0);
        header.putInt(0);
        header.putInt(16);
        header.putLong(virtualSize);
        return bytes;
    }

    static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
