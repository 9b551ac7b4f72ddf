package io.pveq.api;

/** The kinds of data the optional read cache keeps, each with its own time to live ({@link CachePolicy}). */
public enum CacheKind {
    /** {@code GET /version}. */
    VERSION,
    /** {@code GET /cluster/status}. */
    CLUSTER_STATUS,
    /** {@code GET /cluster/resources}. */
    CLUSTER_RESOURCES,
    /** {@code GET /cluster/tasks}. */
    CLUSTER_TASKS,
    /** {@code GET /nodes}. */
    NODES,
    /** {@code GET /nodes/{node}/status}. */
    NODE_STATUS,
    /** {@code GET /nodes/{node}/storage} and storage content. */
    STORAGE,
    /** {@code GET /nodes/{node}/qemu/{vmid}/config}. */
    VM_CONFIG,
    /** {@code GET /nodes/{node}/qemu/{vmid}/status/current}. */
    VM_STATUS
}
