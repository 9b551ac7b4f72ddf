package io.pveq.sim.internal.api;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams a {@code multipart/form-data} body as {@code pveproxy} receives uploads: small form fields
 * into memory, the part with a {@code filename} into a temporary file (as Proxmox's
 * {@code /var/tmp/pveupload-*}).
 */
final class Multipart {

    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=(\"([^\"]+)\"|([^;\\s]+))");
    private static final Pattern NAME = Pattern.compile("(?i)(?:^|;)\\s*name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("(?i)(?:^|;)\\s*filename=\"([^\"]*)\"");
    private static final int MAX_FIELD = 64 * 1024;

    /** The uploaded file: the form field's name, the client's file name, where it was stored and its size. */
    record FilePart(String field, String filename, Path file, long size) {
    }

    /** Fields by name (in order) and the file, if one was sent. */
    record Parsed(Map<String, List<String>> fields, Optional<FilePart> file) {
    }

    private Multipart() {
    }

    /** @return the boundary of a multipart content type, if it is one */
    static Optional<String> boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return Optional.empty();
        }
        Matcher m = BOUNDARY.matcher(contentType);
        return m.find() ? Optional.of(m.group(2) != null ? m.group(2) : m.group(3)) : Optional.empty();
    }

    /**
     * @throws IOException when the body is not well-formed multipart or ends early; a file already
     *                     written is deleted then
     */
    static Parsed parse(InputStream body, String boundary, Path tempDir) throws IOException {
        InputStream in = new BufferedInputStream(body, 64 * 1024);
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int[] failure = failureFunction(delimiter);
        Map<String, List<String>> fields = new LinkedHashMap<>();
        FilePart file = null;
        // the body starts with "--boundary": match it as a delimiter whose CR LF was already seen
        if (!skipTo(in, delimiter, failure, 2)) {
            throw new IOException("multipart body without its first boundary");
        }
        try {
            while (true) {
                int a = in.read();
                int b = in.read();
                if (a == '-' && b == '-') {
                    break;
                }
                if (a != '\r' || b != '\n') {
                    throw new IOException("malformed multipart boundary line");
                }
                String headers = readHeaders(in);
                Matcher name = NAME.matcher(disposition(headers));
                Matcher filename = FILENAME.matcher(disposition(headers));
                String field = name.find() ? name.group(1) : "";
                if (filename.find()) {
                    if (file != null) {
                        throw new IOException("more than one file in the upload");
                    }
                    Path target = Files.createTempFile(tempDir, "pveupload-", ".tmp");
                    long size;
                    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 64 * 1024)) {
                        size = copyPart(in, out, delimiter, failure, Long.MAX_VALUE);
                    }
                    file = new FilePart(field, filename.group(1), target, size);
                } else {
                    ByteArrayOutputStream value = new ByteArrayOutputStream();
                    copyPart(in, value, delimiter, failure, MAX_FIELD);
                    fields.computeIfAbsent(field, k -> new ArrayList<>()).add(value.toString(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                Files.deleteIfExists(file.file());
            }
            throw e;
        }
        return new Parsed(fields, Optional.ofNullable(file));
    }

    private static String disposition(String headers) {
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return "";
    }

    private static String readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("multipart part headers ended early");
            }
            out.write(b);
            state = switch (state) {
                case 0, 2 -> b == '\r' ? state + 1 : 0;
                case 1, 3 -> b == '\n' ? state + 1 : 0;
                default -> 0;
            };
            if (state == 2 && out.size() == 2) {
                return "";
            }
            if (out.size() > MAX_FIELD) {
                throw new IOException("multipart part headers too large");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Skips to just after the delimiter, the first {@code matched} delimiter bytes taken as seen. */
    private static boolean skipTo(InputStream in, byte[] delimiter, int[] failure, int matched) throws IOException {
        int j = matched;
        int b;
        while ((b = in.read()) >= 0) {
            while (j > 0 && b != (delimiter[j] & 0xff)) {
                j = failure[j - 1];
            }
            if (b == (delimiter[j] & 0xff)) {
                j++;
            }
            if (j == delimiter.length) {
                return true;
            }
        }
        return false;
    }

    /** Copies a part's content up to the next delimiter (KMP search). @return the bytes copied */
    private static long copyPart(InputStream in, OutputStream out, byte[] delimiter, int[] failure, long limit)
            throws IOException {
        long size = 0;
        int j = 0;
        int b;
        while ((b = in.read()) >= 0) {
            int before = j;
            while (j > 0 && b != (delimiter[j] & 0xff)) {
                j = failure[j - 1];
            }
            if (b == (delimiter[j] & 0xff)) {
                j++;
            }
            // bytes that were part of a partial match and no longer are belong to the content
            int released = before + 1 - j;
            if (released > 0) {
                int fromPending = Math.min(released, before);
                out.write(delimiter, 0, fromPending);
                size += fromPending;
                if (released > before) {
                    out.write(b);
                    size++;
                }
                if (size > limit) {
                    throw new IOException("multipart field too large");
                }
            }
            if (j == delimiter.length) {
                return size;
            }
        }
        throw new IOException("multipart body ended before its closing boundary");
    }

    private static int[] failureFunction(byte[] pattern) {
        int[] failure = new int[pattern.length];
        int k = 0;
        for (int i = 1; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = failure[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            failure[i] = k;
        }
        return failure;
    }
}
