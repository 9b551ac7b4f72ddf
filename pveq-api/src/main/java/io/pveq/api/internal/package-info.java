/**
 * Implementation of the Proxmox REST API client: HTTP execution, authentication, TLS trust,
 * parameter encoding, response parsing, error mapping, retries, tasks and the read cache.
 * No compatibility promise.
 */
package io.pveq.api.internal;
