/**
 * Progress of long operations: the sealed {@link io.pveq.core.event.ProgressEvent} records, the
 * {@link io.pveq.core.event.Stage} names they report (the SSE {@code step} texts), and
 * {@link io.pveq.core.event.ProgressListener}. Every event maps one to one onto the SSE JSON line
 * of the REST API. Stable: stage labels and message formats change only with a major version.
 */
package io.pveq.core.event;
