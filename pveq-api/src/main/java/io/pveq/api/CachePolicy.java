package io.pveq.api;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How long reads of each {@link CacheKind} may be answered from memory. Off for every kind unless
 * given a time to live: the provisioning engine needs fresh answers, dashboards may not. Any write
 * through the same client (and {@link ProxmoxApi#invalidateCache()}) empties the cache; changes made by
 * others are seen when the entry expires. Task status and logs, {@code nextid} and guest agent calls
 * are never cached. Immutable and thread-safe.
 *
 * @param ttls time to live per kind; a missing kind is not cached
 */
public record CachePolicy(Map<CacheKind, Duration> ttls) {

    /** Validates and copies. */
    public CachePolicy {
        Objects.requireNonNull(ttls, "ttls");
        ttls.forEach((kind, ttl) -> {
            Objects.requireNonNull(kind, "kind");
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("the time to live of " + kind + " must be positive, got " + ttl);
            }
        });
        ttls = ttls.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(ttls));
    }

    /** @return caching off for every kind (the default) */
    public static CachePolicy off() {
        return new CachePolicy(Map.of());
    }

    /**
     * @param kind the kind to cache
     * @param ttl  how long an answer stays valid
     * @return this policy with {@code kind} cached for {@code ttl}
     */
    public CachePolicy with(CacheKind kind, Duration ttl) {
        Map<CacheKind, Duration> copy = new EnumMap<>(CacheKind.class);
        copy.putAll(ttls);
        copy.put(kind, ttl);
        return new CachePolicy(copy);
    }

    /** @return the time to live of {@code kind}, empty when it is not cached */
    public Optional<Duration> ttl(CacheKind kind) {
        return Optional.ofNullable(ttls.get(kind));
    }
}
