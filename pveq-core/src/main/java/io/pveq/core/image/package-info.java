/**
 * Service-provider interface for OS images: {@link io.pveq.core.image.ImageProvider} resolves a release to
 * its official image, knows the distribution's checksum and keeps verified copies (the implementation with a
 * download cache is {@code pveq-images}' {@code ImageCache}). Placing an image on a node is the provisioner's
 * work, in the dialect it reaches the cluster with. Stable from 1.0; in 0.x changes are named in the
 * changelog.
 */
package io.pveq.core.image;
