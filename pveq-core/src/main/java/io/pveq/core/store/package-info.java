/**
 * The job store SPI: where a provisioner keeps its long operations (spec without secrets, state,
 * event log, result) and their rollback journals, so that a restart rolls back what was running and
 * several provisioners (server instances) share one history. pveq-core holds the interface only;
 * {@code pveq-store-jdbc} implements it on an embedded SQLite file or PostgreSQL. Stability: a service
 * provider interface; methods may be added in minor versions with a default or a note in the
 * changelog. Every implementation should pass the conformance test in pveq-core's test jar
 * ({@code io.pveq.core.store.OperationStoreContract}).
 */
package io.pveq.core.store;
