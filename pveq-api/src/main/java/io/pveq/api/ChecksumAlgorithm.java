package io.pveq.api;

/** A checksum Proxmox verifies after an upload or a download ({@code checksum-algorithm}). */
public enum ChecksumAlgorithm {
    /** MD5 (weak; only for mirrors that publish nothing better). */
    MD5("md5", "MD5"),
    /** SHA-1. */
    SHA1("sha1", "SHA-1"),
    /** SHA-224. */
    SHA224("sha224", "SHA-224"),
    /** SHA-256. */
    SHA256("sha256", "SHA-256"),
    /** SHA-384. */
    SHA384("sha384", "SHA-384"),
    /** SHA-512. */
    SHA512("sha512", "SHA-512");

    private final String word;
    private final String jdkName;

    ChecksumAlgorithm(String word, String jdkName) {
        this.word = word;
        this.jdkName = jdkName;
    }

    /** @return Proxmox's word, e.g. {@code sha256} */
    public String word() {
        return word;
    }

    /** @return the JDK {@link java.security.MessageDigest} name, e.g. {@code SHA-256} */
    public String jdkName() {
        return jdkName;
    }
}
