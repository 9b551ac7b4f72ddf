package io.pveq.api;

import io.pveq.core.InvalidSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A change to a VM's configuration ({@code PUT /nodes/{node}/qemu/{vmid}/config}): values to set, keys
 * to delete, and optionally the {@code digest} of the config it was based on, so that the change is
 * refused when someone else changed the config in between (optimistic concurrency).
 *
 * @param settings values to set
 * @param delete   keys to remove, e.g. {@code net1}, {@code description}
 * @param digest   the digest of {@link VmConfig#digest()} the change is based on
 */
public record VmConfigUpdate(VmSettings settings, List<String> delete, Optional<String> digest) {

    /** Validates and copies. */
    public VmConfigUpdate {
        Objects.requireNonNull(settings, "settings");
        delete = List.copyOf(delete);
        delete.forEach(k -> {
            if (!k.matches("[a-z][a-z0-9_\\-]*")) {
                throw new InvalidSpecException("delete", "must list config keys, got '" + InvalidSpecException.shorten(k) + "'");
            }
        });
        Objects.requireNonNull(digest, "digest").ifPresent(d -> {
            if (!d.matches("[0-9a-fA-F]{40,64}")) {
                throw new InvalidSpecException("digest", "must be the digest read with the config, got '"
                        + InvalidSpecException.shorten(d) + "'");
            }
        });
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link VmConfigUpdate}. Not thread-safe. */
    public static final class Builder extends VmSettings.Builder<Builder> {
        private final List<String> delete = new ArrayList<>();
        private String digest;

        private Builder() {
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** @param keys config keys to remove @return this */
        public Builder delete(String... keys) {
            delete.addAll(List.of(keys));
            return this;
        }

        /** @param digest the {@link VmConfig#digest()} this change is based on @return this */
        public Builder digest(String digest) {
            this.digest = digest;
            return this;
        }

        /** @return the update */
        public VmConfigUpdate build() {
            return new VmConfigUpdate(settings(), delete, Optional.ofNullable(digest));
        }
    }
}
