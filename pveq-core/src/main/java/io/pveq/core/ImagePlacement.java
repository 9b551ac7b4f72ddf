package io.pveq.core;

import java.util.Locale;

/**
 * How an OS image gets onto the node a VM is created on, when the cluster is reached through its REST API.
 * (Through commands, pveq always uploads its verified copy, or imports it in place on the local node.)
 */
public enum ImagePlacement {
    /**
     * The node fetches the image from the mirror itself ({@code download-url}) and verifies it against the
     * distribution's checksum; pveq downloads nothing. Needs PVE 8.4+, a storage with {@code import}
     * content, and a node that can reach the mirror.
     */
    DOWNLOAD_URL,
    /** pveq downloads and verifies the image into its cache, then uploads it to the node, which checks it again. */
    UPLOAD,
    /** {@link #DOWNLOAD_URL} first; when the node cannot fetch the image, {@link #UPLOAD}. The default. */
    AUTO;

    /**
     * @param field the setting's name, for the error
     * @param text  {@code download-url}, {@code upload} or {@code auto}
     * @return the placement
     * @throws InvalidSpecException naming {@code field} for anything else
     */
    public static ImagePlacement parse(String field, String text) {
        return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
            case "download-url" -> DOWNLOAD_URL;
            case "upload" -> UPLOAD;
            case "auto" -> AUTO;
            default -> throw new InvalidSpecException(field, "must be download-url, upload or auto, got '"
                    + InvalidSpecException.shorten(text) + "'");
        };
    }

    /** @return {@code download-url}, {@code upload} or {@code auto} */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
