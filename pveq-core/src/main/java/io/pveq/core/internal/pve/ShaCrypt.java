package io.pveq.core.internal.pve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SHA-512-crypt ({@code $6$}), implemented from Ulrich Drepper's published specification "Unix crypt
 * using SHA-256 and SHA-512". pveq hands qm an already hashed cloud-init password (qemu-server keeps a
 * {@code $6$...} value unchanged and only hashes plain ones itself), so the plain password never appears
 * in a process's command line on the node. Stateless and thread-safe.
 */
public final class ShaCrypt {

    private static final String ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int DEFAULT_ROUNDS = 5000;
    private static final int MIN_ROUNDS = 1000;
    private static final int MAX_ROUNDS = 999_999_999;
    private static final int MAX_SALT = 16;
    private static final Pattern SETTING = Pattern.compile("\\$6\\$(?:rounds=(\\d+)\\$)?([^$]*)(?:\\$.*)?");
    /** The order in which digest bytes are taken, three at a time, for the text form. */
    private static final int[][] ORDER = {
        {0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4}, {47, 5, 26}, {6, 27, 48},
        {28, 49, 7}, {50, 8, 29}, {9, 30, 51}, {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13},
        {56, 14, 35}, {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19}, {62, 20, 41},
    };
    private static final SecureRandom RANDOM = new SecureRandom();

    private ShaCrypt() {
    }

    /**
     * @param password the plain password
     * @return its SHA-512-crypt hash with a random 16-character salt and the default 5000 rounds
     */
    public static String hash(String password) {
        char[] salt = new char[MAX_SALT];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length()));
        }
        return crypt(password, "$6$" + new String(salt));
    }

    /**
     * @param password the plain password
     * @param setting  {@code $6$SALT} or {@code $6$rounds=N$SALT}, optionally followed by {@code $...}
     *                 (a full hash: its salt and rounds are reused); the salt is cut to 16 characters
     * @return the hash in {@code crypt(3)} form
     * @throws IllegalArgumentException when {@code setting} is not a SHA-512-crypt setting
     */
    public static String crypt(String password, String setting) {
        Matcher m = SETTING.matcher(setting);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a $6$ setting");
        }
        boolean customRounds = m.group(1) != null;
        int rounds = DEFAULT_ROUNDS;
        if (customRounds) {
            long asked = Long.parseLong(m.group(1).length() > 10 ? "9999999999" : m.group(1));
            rounds = (int) Math.max(MIN_ROUNDS, Math.min(MAX_ROUNDS, asked));
        }
        String saltText = m.group(2).length() > MAX_SALT ? m.group(2).substring(0, MAX_SALT) : m.group(2);
        byte[] key = password.getBytes(StandardCharsets.UTF_8);
        byte[] salt = saltText.getBytes(StandardCharsets.UTF_8);
        byte[] digest = digest(key, salt, rounds);
        StringBuilder out = new StringBuilder("$6$");
        if (customRounds) {
            out.append("rounds=").append(rounds).append('$');
        }
        out.append(saltText).append('$');
        for (int[] o : ORDER) {
            encode(out, digest[o[0]], digest[o[1]], digest[o[2]], 4);
        }
        encode(out, (byte) 0, (byte) 0, digest[63], 2);
        Arrays.fill(key, (byte) 0);
        return out.toString();
    }

    private static byte[] digest(byte[] key, byte[] salt, int rounds) {
        MessageDigest md = sha512();
        // the "alternate" sum: key, salt, key
        md.update(key);
        md.update(salt);
        md.update(key);
        byte[] alternate = md.digest();

        md.update(key);
        md.update(salt);
        addRepeated(md, alternate, key.length);
        for (int n = key.length; n > 0; n >>>= 1) {
            if ((n & 1) != 0) {
                md.update(alternate);
            } else {
                md.update(key);
            }
        }
        byte[] a = md.digest();

        for (int i = 0; i < key.length; i++) {
            md.update(key);
        }
        byte[] pSequence = repeatTo(md.digest(), key.length);

        for (int i = 0; i < 16 + (a[0] & 0xff); i++) {
            md.update(salt);
        }
        byte[] sSequence = repeatTo(md.digest(), salt.length);

        byte[] c = a;
        for (int i = 0; i < rounds; i++) {
            md.update((i & 1) != 0 ? pSequence : c);
            if (i % 3 != 0) {
                md.update(sSequence);
            }
            if (i % 7 != 0) {
                md.update(pSequence);
            }
            md.update((i & 1) != 0 ? c : pSequence);
            c = md.digest();
        }
        Arrays.fill(pSequence, (byte) 0);
        return c;
    }

    /** Feeds {@code length} bytes made of {@code block} repeated (the last one cut short). */
    private static void addRepeated(MessageDigest md, byte[] block, int length) {
        int left = length;
        while (left >= block.length) {
            md.update(block);
            left -= block.length;
        }
        md.update(block, 0, left);
    }

    private static byte[] repeatTo(byte[] block, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = block[i % block.length];
        }
        return out;
    }

    private static void encode(StringBuilder out, byte b2, byte b1, byte b0, int chars) {
        int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
        for (int i = 0; i < chars; i++) {
            out.append(ALPHABET.charAt(w & 0x3f));
            w >>>= 6;
        }
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-512", e);
        }
    }

    /** @return true when {@code value} is already a crypt(3) hash qemu-server stores unchanged */
    public static boolean isHashed(String value) {
        return value.matches("\\$(?:1|5|6|2[aby])\\$.+");
    }
}
