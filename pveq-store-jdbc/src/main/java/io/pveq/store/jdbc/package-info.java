/**
 * {@link io.pveq.store.jdbc.JdbcOperationStore}: pveq's job store on JDBC, an embedded SQLite file (no
 * set-up, one process) or PostgreSQL (several server instances). The schema is created and upgraded
 * by versioned Flyway migrations. Stability: public API, may grow.
 */
package io.pveq.store.jdbc;
