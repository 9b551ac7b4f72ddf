/**
 * A typed, thread-safe client for the Proxmox VE REST API ({@code https://HOST:8006/api2/json}).
 * Start at {@link io.pveq.api.ProxmoxApi#builder()}; several clusters side by side live in
 * {@link io.pveq.api.ProxmoxClusters}. Everything in this package is public and stable: records in and
 * out, role interfaces ({@link io.pveq.api.ClusterApi}, {@link io.pveq.api.NodeApi},
 * {@link io.pveq.api.VmApi}, {@link io.pveq.api.StorageApi}, {@link io.pveq.api.TaskApi}) and
 * unchecked exceptions under {@link io.pveq.core.PveqException}. No OkHttp or Jackson type appears in a
 * signature except {@link io.pveq.api.ProxmoxApi.Builder#httpClient(okhttp3.OkHttpClient)}, which lets a
 * caller share its own client. {@code io.pveq.api.internal} may change without notice.
 */
package io.pveq.api;
