/** Service-provider interface for OS images: catalog, verified cache, placement on nodes. Stable. */
package io.pveq.core.image;
