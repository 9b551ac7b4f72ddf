/** Implementation of the server: routes, SSE, security, metrics. No compatibility promise. */
package io.pveq.server.internal;
