/**
 * OS image catalog and a verified, content-addressed download cache ({@link io.pveq.images.ImageCache}),
 * the {@code pveq-images} implementation of {@link io.pveq.core.image.ImageProvider}. Public and
 * stable: {@link io.pveq.images.ImageCache}, {@link io.pveq.images.ImageCatalog},
 * {@link io.pveq.images.CatalogEntry}. Everything in {@code io.pveq.images.internal} may change
 * without notice.
 */
package io.pveq.images;
