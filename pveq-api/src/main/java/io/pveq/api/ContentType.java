package io.pveq.api;

/** What a file put on a storage is ({@code content}); the storage must list it in its content types. */
public enum ContentType {
    /** An ISO image ({@code iso}). */
    ISO("iso"),
    /** A container template ({@code vztmpl}). */
    VZTMPL("vztmpl"),
    /** A disk image to import ({@code import}, PVE 8.4+): {@code .qcow2}, {@code .raw}, {@code .vmdk} or {@code .ova}. */
    IMPORT("import");

    private final String word;

    ContentType(String word) {
        this.word = word;
    }

    /** @return Proxmox's word */
    public String word() {
        return word;
    }
}
