package io.pveq.core;

/** A storage is missing, disabled, inactive, full or does not hold VM images on a node. */
public class StorageException extends PveqException {

    private final String storage;

    /**
     * @param storage the storage id, e.g. {@code local-zfs}
     * @param message what is wrong with it, for people
     */
    public StorageException(String storage, String message) {
        super(message);
        this.storage = storage;
    }

    /** @return the storage id */
    public String storage() {
        return storage;
    }
}
