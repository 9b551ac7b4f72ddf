package io.pveq.images.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Generated image files and checksum files in the three upstream formats. */
public final class Images {

    private Images() {
    }

    /** @return {@code size} pseudo-random bytes from {@code seed} */
    public static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** @return lower-case hex digest */
    public static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Debian {@code SHA512SUMS}: {@code hex  name}, with another image listed first. */
    public static String debianSums(String name, byte[] data) {
        return hex("SHA-512", "other".getBytes()) + "  debian-12-nocloud-amd64.qcow2\n"
                + hex("SHA-512", data) + "  " + name + "\n";
    }

    /** Ubuntu {@code SHA256SUMS}: {@code hex *name}. */
    public static String ubuntuSums(String name, byte[] data) {
        return hex("SHA-256", "other".getBytes()) + " *ubuntu-24.04-server-cloudimg-amd64.tar.gz\n"
                + hex("SHA-256", data) + " *" + name + "\n";
    }

    /** Rocky {@code CHECKSUM}: BSD style with size comments. */
    public static String rockyChecksum(String name, byte[] data) {
        return "# " + name + ": " + data.length + " bytes\n"
                + "SHA256 (" + name + ") = " + hex("SHA-256", data) + "\n";
    }

    /** Writes {@code data} to {@code root/path} (folders created). */
    public static Path write(Path root, String path, byte[] data) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, data);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Writes text to {@code root/path}. */
    public static Path write(Path root, String path, String text) throws IOException {
        return write(root, path, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
