/** Implementation of the image cache (download, hashing, store, placement). No compatibility promise. */
package io.pveq.images.internal;
