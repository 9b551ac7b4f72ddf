package io.pveq.ssh.internal;

import io.pveq.core.transport.TransportException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.userauth.keyprovider.FileKeyProvider;
import net.schmizz.sshj.userauth.keyprovider.KeyFormat;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.userauth.keyprovider.KeyProviderUtil;
import net.schmizz.sshj.userauth.password.PasswordUtils;

/** Loads private key files (OpenSSH, PEM, PuTTY) and generates ed25519 key files in OpenSSH format. */
public final class KeyFiles {

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyFiles() {
    }

    /**
     * Loads and decrypts a private key file now, so a wrong passphrase fails at build time.
     *
     * @param file       the private key
     * @param passphrase its passphrase, when encrypted
     * @return the key, ready for authentication
     * @throws TransportException when the file cannot be read, decrypted or understood
     */
    public static KeyProvider load(Path file, Optional<char[]> passphrase) {
        try {
            KeyFormat format = KeyProviderUtil.detectKeyFileFormat(file.toFile());
            FileKeyProvider provider = Factory.Named.Util.create(
                    SshConnector.config().getFileKeyProviderFactories(), format.toString());
            if (provider == null) {
                throw new TransportException("unsupported private key format " + format + " in " + file);
            }
            if (passphrase.isPresent()) {
                provider.init(file.toFile(), PasswordUtils.createOneOff(passphrase.get().clone()));
            } else {
                provider.init(file.toFile());
            }
            provider.getPrivate();
            provider.getPublic();
            return provider;
        } catch (IOException | RuntimeException e) {
            if (e instanceof TransportException transport) {
                throw transport;
            }
            throw new TransportException("cannot load private key " + file
                    + (passphrase.isPresent() ? " (wrong passphrase?)" : " (encrypted? give its passphrase)")
                    + ": " + SshConnector.describe(e), e);
        }
    }

    /**
     * Generates an ed25519 key pair and writes it as an unencrypted OpenSSH private key (mode 0600)
     * plus {@code <file>.pub}. The private file appears atomically, never half-written.
     *
     * @param file    where the private key goes; must not exist yet
     * @param comment comment stored in the key and the public line
     * @throws IOException when it cannot be written, or exists already
     */
    public static void generateEd25519(Path file, String comment) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519", "SunEC").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("the JDK cannot generate ed25519 keys", e);
        }
        byte[] x509 = pair.getPublic().getEncoded();
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        byte[] publicKey = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        byte[] seed = Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length);
        byte[] secret = new byte[64];
        System.arraycopy(seed, 0, secret, 0, 32);
        System.arraycopy(publicKey, 0, secret, 32, 32);

        ByteArrayOutputStream publicBlob = new ByteArrayOutputStream();
        DataOutputStream pub = new DataOutputStream(publicBlob);
        writeString(pub, "ssh-ed25519".getBytes(StandardCharsets.US_ASCII));
        writeString(pub, publicKey);

        ByteArrayOutputStream privateSection = new ByteArrayOutputStream();
        DataOutputStream priv = new DataOutputStream(privateSection);
        int check = RANDOM.nextInt();
        priv.writeInt(check);
        priv.writeInt(check);
        writeString(priv, "ssh-ed25519".getBytes(StandardCharsets.US_ASCII));
        writeString(priv, publicKey);
        writeString(priv, secret);
        writeString(priv, comment.getBytes(StandardCharsets.UTF_8));
        for (int pad = 1; privateSection.size() % 8 != 0; pad++) {
            priv.writeByte(pad);
        }

        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(whole);
        out.write("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
        writeString(out, "none".getBytes(StandardCharsets.US_ASCII));
        writeString(out, "none".getBytes(StandardCharsets.US_ASCII));
        writeString(out, new byte[0]);
        out.writeInt(1);
        writeString(out, publicBlob.toByteArray());
        writeString(out, privateSection.toByteArray());
        Arrays.fill(secret, (byte) 0);
        Arrays.fill(seed, (byte) 0);

        String base64 = Base64.getEncoder().encodeToString(whole.toByteArray());
        StringBuilder pem = new StringBuilder("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        for (int i = 0; i < base64.length(); i += 70) {
            pem.append(base64, i, Math.min(base64.length(), i + 70)).append('\n');
        }
        pem.append("-----END OPENSSH PRIVATE KEY-----\n");
        String publicLine = "ssh-ed25519 " + Base64.getEncoder().encodeToString(publicBlob.toByteArray())
                + (comment.isBlank() ? "" : " " + comment) + "\n";

        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, pem, StandardCharsets.US_ASCII);
            Files.writeString(Path.of(file + ".pub"), publicLine, StandardCharsets.US_ASCII);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void writeString(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }
}
