/**
 * The pveq REST/SSE server: configuration from the environment ({@link io.pveq.server.EnvConfig}),
 * the server itself ({@link io.pveq.server.PveqServer}) and its entry point ({@link io.pveq.server.Main}).
 * Stability: the HTTP API is stable (SPEC.md section 3 plus the documented job endpoints); the Java
 * types here are for embedding and tests and may still change before 1.0.
 */
package io.pveq.server;
