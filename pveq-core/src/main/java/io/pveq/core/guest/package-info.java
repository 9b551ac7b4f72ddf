/** Service-provider interface for reaching new guests over SSH. Stable. */
package io.pveq.core.guest;
