/**
 * Helpers shared by pveq's command transports (output capture and line splitting). Internal: no
 * compatibility promise.
 */
package io.pveq.core.internal.transport;
