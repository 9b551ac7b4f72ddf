package io.pveq.sim.internal.state;

import java.util.ArrayList;
import java.util.List;

/** A storage as configured on one node (a shared storage is listed on every node with the same id). */
public final class StorageState {
    public String id;
    /** dir, lvmthin, zfspool or nfs. */
    public String type;
    public List<String> content = new ArrayList<>();
    public long totalBytes;
    public boolean shared;
    public boolean enabled = true;
    public String path;

    public boolean fileBased() {
        return "dir".equals(type) || "nfs".equals(type);
    }
}
