/**
 * The simulator's REST API face (implementation; no compatibility promise): an HTTPS/1.1 server
 * ({@link io.pveq.sim.internal.api.TlsHttpServer}) with the cluster's own PKI, the request pipeline
 * ({@code pveproxy}'s order: authentication, handler lookup, permission check from the schema,
 * proxying, faults, parameter verification, handler), access control as pve-access-control computes
 * it, tasks with UPIDs and logs, and the endpoints by topic. Handlers drive the same operations as
 * the CLI face ({@link io.pveq.sim.internal.Qm}) on the same state.
 */
package io.pveq.sim.internal.api;
