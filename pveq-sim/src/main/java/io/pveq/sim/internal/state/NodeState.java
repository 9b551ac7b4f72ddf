package io.pveq.sim.internal.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** One simulated node: its hardware, storages and the files placed on it. */
public final class NodeState {
    public String name;
    public String address;
    public String cpuModel;
    public String cpuFlags;
    public int cores;
    public int sockets = 1;
    public long memoryBytes;
    public long rootfsBytes;
    public boolean online = true;
    public long bootedAtMillis;
    public List<StorageState> storages = new ArrayList<>();
    /** Files copied onto the node: absolute path to its size and virtual disk size. */
    public TreeMap<String, FileEntry> files = new TreeMap<>();

    public Optional<StorageState> storage(String id) {
        for (StorageState storage : storages) {
            if (storage.id.equals(id)) {
                return Optional.of(storage);
            }
        }
        return Optional.empty();
    }

    /** A file on the node's simulated filesystem. */
    public static final class FileEntry {
        public long sizeBytes;
        public long virtualSizeBytes;
        public String sha256;
        /** Content of small text files (ssh keys), null for images. */
        public String content;
        /** Where the bytes really are, when the cluster boots real guests (see RealGuestsState), else null. */
        public String file;

        public FileEntry() {
        }

        public FileEntry(long sizeBytes, long virtualSizeBytes, String sha256) {
            this.sizeBytes = sizeBytes;
            this.virtualSizeBytes = virtualSizeBytes;
            this.sha256 = sha256;
        }
    }
}
